import Foundation
import PanoramaCore
import PanoramaEngine
import PanoramaStages

/// `panorama merge`: one month of the pipeline in the configured warehouse, with the per-customer
/// stages merged from B bucket runs instead of computed (docs/scale-out.md).
enum MergeCommand: PanoramaCommand {
    static let name = "merge"
    static let abstract = "Merge B bucket runs of a month into the warehouse, then run the rest of the pipeline."
    static let discussion = """
        Each bucket K (0 ≤ K < B) must have been run with `panorama run CONFIG --month M --bucket K/B \\
        --sandbox WORK/bucket-K` (usually --until customer360). The merge runs month M in the \\
        configured warehouse like `run` (lock, recovery, one transaction per stage): stages whose \\
        outputs are per customer (cleanse, customer360) merge the buckets' partitions exactly; the \\
        others run as usual on the merged tables. Under a batch scheduler the bucket runs are an \\
        array/indexed job and the merge is the job that depends on all of them.
        """

    static let month = OptionSpec.value("--month", "YYYY-MM", help: "The month the buckets ran.", required: true)
    static let work = OptionSpec.value("--work", "DIR", help: "The folder holding bucket-0 … bucket-(B−1), each a bucket run's sandbox.", required: true)
    static let buckets = OptionSpec.value("--buckets", "B", help: "How many buckets the month was split into.", required: true)
    static let quiet = OptionSpec.flag("--quiet", help: "Leave out progress lines and the summaries of stages that succeeded.")
    static let logFormat = OptionSpec.value("--log-format", "text|json", help: """
        Log lines on stderr as text for people or one JSON object per line for schedulers.
        """, default: "text")

    static let options = [month, work, buckets, quiet, logFormat]
    static let positionals = [configPositional]

    static func run(_ parsed: ParsedArguments) throws -> ExitCode {
        guard let m = try parsed.month(month) else { throw PanoramaError.usage("merge needs --month YYYY-MM") }
        let count = try parsed.positiveInt(buckets)
        guard count <= 4096 else { throw PanoramaError.usage("--buckets is at most 4096, got \(count)") }
        guard let format = RunLogger.Format(rawValue: try parsed.string(logFormat)) else {
            throw PanoramaError.usage("--log-format is text or json")
        }
        let folder = try parsed.string(work)
        var parts: [BucketPart] = []
        for k in 0..<count {
            let root = folder + "/bucket-\(k)/warehouse"
            guard FileManager.default.fileExists(atPath: root) else {
                throw PanoramaError.usage("\(root) does not exist: run bucket \(k) first (`panorama run CONFIG --month \(m) --bucket \(k)/\(count) --sandbox \(folder)/bucket-\(k) --until customer360`)")
            }
            parts.append(BucketPart(bucket: BucketSpec(index: k, count: count), root: root))
        }
        let config = try StageKinds.loadPipeline(path: try parsed.string(configPositional))
        var options = RunOptions(months: .one(m))
        options.mergeFrom = parts
        var runner = PipelineRunner(config: config, options: options, log: RunLogger(format: format, quiet: parsed.isSet(quiet)),
                                    registry: StageKinds.registry)
        let control = RunControl()
        control.installSignalHandlers()
        runner.control = control
        return runner.run().exitCode
    }
}
