import PanoramaCore

/// Runs `body` over consecutive ranges covering 0..<count, on all cores when count is large. Each
/// call must write only its own range of the caller's buffers, so the result never depends on
/// scheduling.
func forEachChunk(of count: Int, _ body: (Range<Int>) -> Void) {
    let parts = count >= 1 << 16 ? 16 : 1
    _ = try? parallelMap(parts) { k in body((count * k / parts)..<(count * (k + 1) / parts)) }
}
