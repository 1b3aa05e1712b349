import PanoramaCore

/// The intent record of one stage's publish for one month (`_journal/YYYY-MM/<stage>.json`): every
/// file that is to be put in place, where its new version is staged, where its previous version is
/// kept, and the new version's SHA-256. Written and synced before the first rename and removed
/// after the last, so a publish interrupted at any point can be completed or undone from it
/// (docs/operations.md, "Publishing and recovery").
struct PublishRecord: Sendable {
    /// One file of the publish.
    struct Move: Sendable {
        /// The final path (a partition, a report file, or last the stage manifest).
        var path: String
        /// The new version, written and synced under a temporary name beside `path`.
        var staged: String
        /// A second name of the version `path` had before (nil when there was none).
        var previous: String?
        var sha256: String
        var bytes: Int
    }

    var stage: String
    var month: Month
    var runId: String
    var pid: Int32
    var created: String
    var moves: [Move]

    /// The record's file content, with paths stored as `warehouse` stores them.
    func json(_ warehouse: Warehouse) -> JSONValue {
        .object([
            ("stage", .string(stage)), ("month", .string(month.description)), ("run_id", .string(runId)),
            ("pid", .int(Int(pid))), ("created", .string(created)),
            ("files", .array(moves.map { m in
                .object([
                    ("path", .string(warehouse.stored(m.path))), ("staged", .string(warehouse.stored(m.staged))),
                    ("previous", m.previous.map { .string(warehouse.stored($0)) } ?? .null),
                    ("sha256", .string(m.sha256)), ("bytes", .int(m.bytes)),
                ])
            })),
        ])
    }

    /// Reads a record; nil when it is not one (paths resolved against `warehouse`).
    init?(json: JSONValue, _ warehouse: Warehouse) {
        guard let stage = json["stage"]?.stringValue, let monthText = json["month"]?.stringValue, let month = Month(key: monthText),
              let items = json["files"]?.arrayValue else { return nil }
        var moves: [Move] = []
        for item in items {
            guard let path = item["path"]?.stringValue, let staged = item["staged"]?.stringValue,
                  let sha = item["sha256"]?.stringValue else { return nil }
            moves.append(Move(path: warehouse.resolved(path), staged: warehouse.resolved(staged),
                              previous: item["previous"]?.stringValue.map(warehouse.resolved), sha256: sha,
                              bytes: item["bytes"]?.intValue ?? 0))
        }
        self.init(stage: stage, month: month, runId: json["run_id"]?.stringValue ?? "", pid: Int32(json["pid"]?.intValue ?? 0),
                  created: json["created"]?.stringValue ?? "", moves: moves)
    }

    init(stage: String, month: Month, runId: String, pid: Int32, created: String, moves: [Move]) {
        self.stage = stage
        self.month = month
        self.runId = runId
        self.pid = pid
        self.created = created
        self.moves = moves
    }
}
