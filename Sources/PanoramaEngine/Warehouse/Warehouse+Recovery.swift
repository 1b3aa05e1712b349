import Foundation
import PanoramaCore

/// Recovery of publishes interrupted by a crash, a kill or an I/O error (SPEC §3): run by every
/// command that touches the warehouse, under its lock, before anything else.
extension Warehouse {
    /// The publish records left in this warehouse (`_journal/*/*.json`), oldest month first.
    func pendingRecords() -> [String] {
        let folder = root + "/_journal"
        guard let months = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var out: [String] = []
        for month in months.sorted() {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder + "/" + month) else { continue }
            for name in names.sorted() where name.hasSuffix(".json") { out.append(folder + "/" + month + "/" + name) }
        }
        return out
    }

    /// Whether a stage's publish for a month is incomplete (its record is still there).
    public func publishPending(_ month: Month, stage: String) -> Bool { FileIO.exists(journalPath(month, stage: stage)) }

    /// Completes or undoes every interrupted publish, then removes staged files (`*.tmp-<pid>`) and
    /// kept previous versions (`*.prev-<pid>`) that no publish needs any more, in the warehouse and
    /// in `folders` (the reports folder). Returns one sentence per thing done, for stderr. Throws
    /// (exit 1) when a publish can be neither completed nor undone; the record is then kept.
    public func recover(alsoSweeping folders: [String] = []) throws -> [String] {
        var notes: [String] = []
        for path in pendingRecords() {
            guard let bytes = try? FileIO.read(path), let json = JSONValue.parse(bytes), let record = PublishRecord(json: json, self) else {
                throw PanoramaError.runtime("the publish record \(path) cannot be read, so the publish it describes can be neither completed nor undone; "
                    + "compare the files it names with their stage manifest, then remove it by hand")
            }
            let what = "the interrupted publish of stage `\(record.stage)` for \(record.month) (run \(record.runId))"
            if let damaged = firstUnverifiable(record) {
                let problems = rollBack(record)
                if problems.isEmpty {
                    notes.append("undid \(what): \(damaged); the previous outputs are kept")
                    continue
                }
                // Some previous version is gone: the stage cannot be put back as it was, so its
                // manifest goes and the stage counts as not run for that month.
                let manifest = manifestPath(record.month, stage: record.stage)
                FileIO.remove(manifest)
                FileIO.remove(journalPath(record.month, stage: record.stage))
                for m in record.moves {
                    FileIO.remove(m.staged)
                    if let p = m.previous { FileIO.remove(p) }
                }
                guard !FileIO.exists(manifest), !FileIO.exists(path) else {
                    throw PanoramaError.runtime("cannot complete or undo \(what): \(damaged); \(problems.joined(separator: "; "))")
                }
                notes.append("could not undo \(what) (\(damaged); \(problems.joined(separator: "; "))); its manifest was removed, so the stage counts as not run for \(record.month): run it again")
                continue
            }
            do {
                try apply(record)
                notes.append("completed \(what): \(record.moves.count) file(s) in place")
            } catch {
                let problems = rollBack(record)
                guard problems.isEmpty else {
                    throw PanoramaError.runtime("cannot complete or undo \(what): \(PipelineRunner.classify(error).1); \(problems.joined(separator: "; "))")
                }
                notes.append("undid \(what): completing it failed (\(PipelineRunner.classify(error).1)); the previous outputs are kept")
            }
        }
        let swept = sweep([root] + folders)
        if swept > 0 {
            notes.append("removed \(swept) temporary file(s) left by an interrupted run; published files were not affected")
        }
        return notes
    }

    /// Why a record cannot be completed (a staged file missing or not the recorded bytes), or nil
    /// when every file is either staged intact or already in place.
    func firstUnverifiable(_ record: PublishRecord) -> String? {
        for m in record.moves {
            if FileIO.exists(m.staged) {
                if sha256(ofFileAt: m.staged) != m.sha256 { return "the staged file \(m.staged) is damaged (its SHA-256 differs from the record)" }
            } else if sha256(ofFileAt: m.path) != m.sha256 {
                return "the staged file \(m.staged) is missing"
            }
        }
        return nil
    }

    /// Removes `*.tmp-<pid>` and `*.prev-<pid>` files under `folders` (recursively); returns how many.
    func sweep(_ folders: [String]) -> Int {
        var removed = 0
        for folder in folders where FileIO.exists(folder) {
            guard let walker = FileManager.default.enumerator(atPath: folder) else { continue }
            while let item = walker.nextObject() as? String {
                guard Warehouse.isLeftover(item) else { continue }
                FileIO.remove(folder + "/" + item)
                removed += 1
            }
        }
        return removed
    }

    /// Whether a file name is a staged file or a kept previous version: `….tmp-<digits>` or `….prev-<digits>`.
    static func isLeftover(_ name: String) -> Bool {
        for marker in [".tmp-", ".prev-"] {
            guard let range = name.range(of: marker, options: .backwards) else { continue }
            let digits = name[range.upperBound...]
            if !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) { return true }
        }
        return false
    }
}
