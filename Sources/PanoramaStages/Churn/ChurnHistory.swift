import PanoramaCore
import PanoramaEngine

/// The window of one churn run as the stage finds it before reading anything: which months of
/// customer_360 are published, the cache key of each, what earlier nights kept (the backtest fit and
/// the training rows of earlier pairs), and so which months must still be read.
struct ChurnHistory {
    let month: Month
    let settings: ChurnSettings
    /// M − train_months − 1 … M.
    let window: [Month]
    private(set) var published: Set<Month> = []
    /// The lineage entry customer360's manifest lists for each month (when it lists one).
    private(set) var entries: [Month: LineageEntry] = [:]
    private(set) var keys: [Month: ChurnPartitionKey] = [:]
    /// Months t of the production pairs (t, t+1) with both months published.
    private(set) var productionPairs: [Month] = []
    /// M-1's production fit, when that night kept it for exactly this run's backtest pairs.
    private(set) var keptBacktest: ChurnModel.KeptBacktest?
    /// Kept pairs by t+1 (never the pair ending at M, the night's new one).
    private(set) var keptPairs: [Month: ChurnPair] = [:]

    init(month: Month, settings: ChurnSettings, io: StageIO, cache: ChurnCache?) throws {
        self.month = month
        self.settings = settings
        window = settings.window(endingAt: month)
        for m in window where io.has(Customer360Stage.customer360, m) {
            published.insert(m)
            if cache != nil, let entry = io.listedPartition(Customer360Stage.customer360, m),
               let key = ChurnPartitionKey(month: m, path: entry.path, sha256: entry.sha256) {
                entries[m] = entry
                keys[m] = key
            }
        }
        productionPairs = pairs { settings.isProductionPair(endingAt: $0, runMonth: month) }
        guard let cache else { return }
        let backtestPairs = pairs { settings.isBacktestPair(endingAt: $0, runMonth: month) }
        keptBacktest = pairKeys(backtestPairs).flatMap { cache.fit($0, ridge: settings.ridge) }
        // Mapped and checked in parallel.
        let keys = self.keys
        let keepable = window.dropLast().filter { t in t.next != month && usesPair(endingAt: t.next) && keys[t] != nil && keys[t.next] != nil }
        let found = try parallelMap(keepable.count) { k in cache.pair(keys[keepable[k]]!, keys[keepable[k].next]!) }
        for (t, pair) in zip(keepable, found) { if let pair { keptPairs[t.next] = pair } }
    }

    /// Whether the pair ending at `next` is used (see `ChurnSettings.usesPair`).
    func usesPair(endingAt next: Month) -> Bool {
        settings.usesPair(endingAt: next, runMonth: month, backtestKept: keptBacktest != nil)
    }

    /// The months t of the pairs (t, t+1) that `isPair(t+1)` selects and whose months are both published.
    func pairs(_ isPair: (Month) -> Bool) -> [Month] {
        window.dropLast().filter { isPair($0.next) && published.contains($0) && published.contains($0.next) }
    }

    /// The cache keys of each pair's two partitions; nil when a month has none.
    func pairKeys(_ months: [Month]) -> [(ChurnPartitionKey, ChurnPartitionKey)]? {
        var out: [(ChurnPartitionKey, ChurnPartitionKey)] = []
        for t in months {
            guard let a = keys[t], let b = keys[t.next] else { return nil }
            out.append((a, b))
        }
        return out
    }

    /// Whether month m must be read: M, M-1 (the backtest's evaluation), or a month of a used pair
    /// that was not kept.
    func needsMonth(_ m: Month) -> Bool {
        if m >= month.previous { return true }
        let ending = usesPair(endingAt: m) && published.contains(m.previous) && keptPairs[m] == nil
        let starting = usesPair(endingAt: m.next) && published.contains(m.next) && keptPairs[m.next] == nil
        return ending || starting
    }
}
