import Foundation
import PanoramaCore
#if canImport(Glibc)
import Glibc
#endif

/// A file staged for publishing: its new version written and synced under a temporary name beside
/// its final path, and the lineage entry it will have once published.
public struct StagedFile: Sendable {
    /// The file as it will be published (final path, rows, SHA-256).
    public var entry: LineageEntry
    /// The temporary name (`<final>.tmp-<pid>`).
    public var staged: String
    public var bytes: Int
}

/// Publishing a stage's outputs for a month as one transaction (SPEC §3): the partitions, the
/// report files and the stage manifest change together or not at all.
///
/// 1. Stage: every new file is written and synced under `<final>.tmp-<pid>` (the stage does this
///    through `StageIO.publish`/`write`); the manifest is staged last, the same way.
/// 2. Keep: each file that is about to be replaced gets a second name, `<final>.prev-<pid>` (a hard link).
/// 3. Record: the publish record (`_journal/M/<stage>.json`) lists every move with the new SHA-256;
///    it is synced and renamed into place — the commit point.
/// 4. Apply: the staged files are renamed over the final paths, the manifest last; folders synced.
/// 5. Finish: the record is removed, then the kept previous versions.
///
/// A failure before 3 removes the staged files and leaves everything as it was. A failure in 4 is
/// undone at once from the record (the previous versions are renamed back); if even that fails, the
/// record stays and the next command that touches the warehouse completes or undoes the publish
/// (`recover`). The operations guide lists every crash point and its outcome.
extension Warehouse {
    /// `<final>.tmp-<pid>`.
    static func stagedName(_ final: String) -> String { final + ".tmp-\(getpid())" }
    /// `<final>.prev-<pid>`.
    static func previousName(_ final: String) -> String { final + ".prev-\(getpid())" }

    /// Writes and syncs a stage's partitions under temporary names (a streamed partition, already
    /// written, is synced and closed); nothing published is touched.
    func stage(_ outputs: [TableOutput], month: Month) throws -> [StagedFile] {
        let finals = outputs.map { partitionPath($0.table.name, month) }
        do {
            for (k, out) in outputs.enumerated() where out.streamed != nil && out.streamed!.path != finals[k] {
                throw PanoramaError.runtime("the partition writer of table `\(out.table.name)` writes \(out.streamed!.path), not \(finals[k]); it cannot be published for \(month)")
            }
            for f in finals { try FileIO.makeDirectory((f as NSString).deletingLastPathComponent) }
            // Writing (and syncing) the files and hashing them are independent: do both at once.
            let n = outputs.count
            let results = try parallelMap(2 * n) { k -> String in
                let out = outputs[k % n]
                if let writer = out.streamed {
                    return k < n ? try writer.finish().entry.sha256 : ""
                }
                if k < n {
                    try FileIO.writeSynced(out.bytes, to: Warehouse.stagedName(finals[k]))
                    return ""
                }
                return SHA256Digest.hex(out.bytes)
            }
            return try outputs.enumerated().map { k, out in
                if let writer = out.streamed { return try writer.finish() }
                return StagedFile(entry: LineageEntry(kind: .table, name: out.table.name, month: month, path: finals[k], rows: out.rows,
                                                      sha256: results[n + k]),
                                  staged: Warehouse.stagedName(finals[k]), bytes: out.bytes.count)
            }
        } catch {
            for f in finals { FileIO.remove(Warehouse.stagedName(f)) }
            throw error
        }
    }

    /// Writes and syncs files for a folder outside the warehouse (a report) under temporary names.
    func stage(_ files: [OutputFile], into folder: String, month: Month) throws -> [StagedFile] {
        try FileIO.makeDirectory(folder)
        var staged: [StagedFile] = []
        do {
            for file in files {
                let final = folder + "/" + file.name
                try FileIO.writeSynced(file.bytes, to: Warehouse.stagedName(final))
                staged.append(StagedFile(entry: LineageEntry(kind: .file, name: file.name, month: month, path: final, rows: file.rows,
                                                             sha256: SHA256Digest.hex(file.bytes)),
                                         staged: Warehouse.stagedName(final), bytes: file.bytes.count))
            }
        } catch {
            discard(staged)
            throw error
        }
        return staged
    }

    /// Removes staged files that will not be published.
    func discard(_ files: [StagedFile]) {
        for f in files { FileIO.remove(f.staged) }
    }

    /// Publishes staged files and (when given) the stage's manifest as one transaction; on failure
    /// the previous versions are back in place (or the record is left for the next command) and the
    /// error says which.
    func commit(_ files: [StagedFile], manifest: StageManifest?, stage: String, month: Month, runId: String) throws {
        var moves = files.map { PublishRecord.Move(path: $0.entry.path, staged: $0.staged, previous: nil, sha256: $0.entry.sha256, bytes: $0.bytes) }
        let journal = journalPath(month, stage: stage)
        let record: PublishRecord
        do {
            if let manifest {
                let bytes = manifestBytes(manifest)
                let final = manifestPath(month, stage: stage)
                try FileIO.makeDirectory((final as NSString).deletingLastPathComponent)
                try FileIO.writeSynced(bytes, to: Warehouse.stagedName(final), fault: .manifest)
                moves.append(PublishRecord.Move(path: final, staged: Warehouse.stagedName(final), previous: nil,
                                                sha256: SHA256Digest.hex(bytes), bytes: bytes.count))
            }
            for k in moves.indices where FileIO.exists(moves[k].path) {
                let previous = Warehouse.previousName(moves[k].path)
                try FileIO.keepCopy(of: moves[k].path, as: previous)
                moves[k].previous = previous
            }
            for folder in Set(moves.map { ($0.path as NSString).deletingLastPathComponent }) { FileIO.syncDirectory(folder) }
            record = PublishRecord(stage: stage, month: month, runId: runId, pid: getpid(), created: RunLogger.timestamp(), moves: moves)
            try FileIO.makeDirectory((journal as NSString).deletingLastPathComponent)
            try FileIO.writeAtomically(Array(record.json(self).serialized().utf8), to: journal)
        } catch {
            for m in moves {
                FileIO.remove(m.staged)
                if let p = m.previous { FileIO.remove(p) }
            }
            throw PanoramaError.runtime("publishing stage `\(stage)` for \(month) failed before any file was replaced (\(PipelineRunner.classify(error).1)); the previous outputs are untouched")
        }
        do {
            try apply(record)
        } catch {
            let problems = rollBack(record)
            let outcome = problems.isEmpty
                ? "every file was put back as it was before this run"
                : "it could not be undone at once (\(problems.joined(separator: "; "))); the next `panorama run` or `panorama plan` completes or undoes it"
            throw PanoramaError.runtime("publishing stage `\(stage)` for \(month) failed part-way (\(PipelineRunner.classify(error).1)); \(outcome)")
        }
    }

    /// Puts every staged file of a record in place (those not yet renamed), syncs the folders, then
    /// removes the record and the kept previous versions.
    func apply(_ record: PublishRecord) throws {
        for m in record.moves where FileIO.exists(m.staged) {
            try FileIO.rename(m.staged, m.path)
            checksums.remember(m.sha256, for: m.path)
        }
        for folder in Set(record.moves.map { ($0.path as NSString).deletingLastPathComponent }) { FileIO.syncDirectory(folder) }
        let journal = journalPath(record.month, stage: record.stage)
        guard unlink(journal) == 0 || errno == ENOENT else {
            throw PanoramaError.runtime("cannot remove the publish record \(journal): \(String(cString: strerror(errno)))")
        }
        FileIO.syncDirectory((journal as NSString).deletingLastPathComponent)
        for m in record.moves { if let p = m.previous { FileIO.remove(p) } }
    }

    /// Undoes a record: staged files not yet renamed are removed, replaced files get their previous
    /// version back, files that did not exist before are removed; the record is removed when all of
    /// that worked. Returns what could not be done (empty on success).
    func rollBack(_ record: PublishRecord) -> [String] {
        var problems: [String] = []
        for m in record.moves.reversed() {
            if FileIO.exists(m.staged) {
                FileIO.remove(m.staged)
                if let p = m.previous { FileIO.remove(p) }
                continue
            }
            if let previous = m.previous {
                if FileIO.exists(previous) {
                    do { try FileIO.rename(previous, m.path) } catch { problems.append(PipelineRunner.classify(error).1) }
                } else if sha256(ofFileAt: m.path) != m.sha256 {
                    // Never renamed (the previous version is still in place under its own name).
                    continue
                } else {
                    problems.append("the previous version of \(m.path) is gone (\(previous))")
                }
            } else if FileIO.exists(m.path), sha256(ofFileAt: m.path) == m.sha256 {
                FileIO.remove(m.path)
            }
        }
        for folder in Set(record.moves.map { ($0.path as NSString).deletingLastPathComponent }) { FileIO.syncDirectory(folder) }
        if problems.isEmpty {
            let journal = journalPath(record.month, stage: record.stage)
            FileIO.remove(journal)
            FileIO.syncDirectory((journal as NSString).deletingLastPathComponent)
        }
        return problems
    }
}
