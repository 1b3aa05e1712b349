import PanoramaCore

/// One bucket of customers: K of B (docs/scale-out.md). A bucket holds the customers whose
/// normalised `customer_id` hashes to K modulo B, with FNV-1a-64 — stable across hosts and releases.
public struct BucketSpec: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && index >= 0 && index < count, "bucket \(index) of \(count)")
        self.index = index
        self.count = count
    }

    /// `K/B` with 0 ≤ K < B ≤ 4096.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let b = Int(parts[1]), b >= 1, b <= 4096, k >= 0, k < b else { return nil }
        self.init(index: k, count: b)
    }

    public var description: String { "\(index)/\(count)" }

    /// The bucket of a key among `count`.
    @inline(__always)
    public static func bucket(of key: UnsafeBufferPointer<UInt8>, count: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return Int(h % UInt64(count))
    }

    /// Whether a key belongs to this bucket.
    @inline(__always)
    public func contains(_ key: UnsafeBufferPointer<UInt8>) -> Bool { BucketSpec.bucket(of: key, count: count) == index }
}

/// A bucket's warehouse, read by a merge (`panorama merge`): the partitions and manifests one
/// bucket run (`run --bucket K/B --sandbox DIR/bucket-K`) published.
public struct BucketPart: Sendable {
    public let bucket: BucketSpec
    let warehouse: Warehouse

    public init(bucket: BucketSpec, root: String) {
        self.bucket = bucket
        self.warehouse = Warehouse(root: root)
    }

    /// The warehouse folder of the bucket.
    public var root: String { warehouse.root }

    /// The bucket's own manifest of a stage for a month.
    public func manifest(_ month: Month, stage: String) -> StageManifest? { warehouse.manifest(month, stage: stage) }

    /// The path of one of the bucket's partitions.
    public func partitionPath(_ table: TableSchema, _ month: Month) -> String { warehouse.partitionPath(table.name, month) }
}
