import Foundation
import PanoramaConfig
import PanoramaCore
import PanoramaEngine
import PanoramaGenerate

/// The subcommands.
enum Commands {
    static let defaultConfig = "pipelines/nightly.yaml"

    static func run(_ raw: [String]) throws -> ExitCode {
        var args = Arguments(raw)
        let opts = try args.parse(options: ["--month", "--months", "--stage", "--from", "--until", "--set", "--log-format"],
                                  flags: ["--quiet"])
        guard args.positional.count <= 1 else { throw PanoramaError.usage("run takes one CONFIG, got \(args.positional.joined(separator: " "))") }
        var options = RunOptions()
        var sets: [String] = []
        var quiet = false
        var format = RunLogger.Format.text
        for (name, value) in opts {
            switch name {
            case "--month":
                guard let m = Month(key: value!) else { throw PanoramaError.usage("--month expects YYYY-MM, got `\(value!)`") }
                options.months = .one(m)
            case "--months": options.months = try MonthChoice.range(value!)
            case "--stage": options.selection.stages.append(value!)
            case "--from": options.selection.from = value
            case "--until": options.selection.until = value
            case "--set": sets.append(value!)
            case "--quiet": quiet = true
            case "--log-format":
                guard let f = RunLogger.Format(rawValue: value!) else { throw PanoramaError.usage("--log-format is text or json") }
                format = f
            default: break
            }
        }
        let config = try PipelineConfig.load(path: args.positional.first ?? defaultConfig, overrides: sets)
        let outcome = PipelineRunner(config: config, options: options, log: RunLogger(format: format, quiet: quiet)).run()
        return outcome.exitCode
    }

    static func validate(_ raw: [String]) throws -> ExitCode {
        var args = Arguments(raw)
        _ = try args.parse(options: ["--set"], flags: [])
        let path = args.positional.first ?? defaultConfig
        let config = try PipelineConfig.load(path: path)
        print("\(path): ok — pipeline `\(config.name)`, \(config.stages.count) stages: \(config.orderedStageIds.joined(separator: " → "))")
        return .ok
    }

    static func plan(_ raw: [String]) throws -> ExitCode {
        var args = Arguments(raw)
        let opts = try args.parse(options: ["--month"], flags: [])
        let config = try PipelineConfig.load(path: args.positional.first ?? defaultConfig)
        var options = RunOptions()
        if let m = opts.first(where: { $0.0 == "--month" })?.1 {
            guard let month = Month(key: m) else { throw PanoramaError.usage("--month expects YYYY-MM, got `\(m)`") }
            options.months = .one(month)
        }
        let month = PipelineRunner(config: config, options: options, log: RunLogger()).months()[0]
        print("plan for \(month) (\(config.file)):")
        for e in Planner.plan(config, month: month) {
            let id = e.stage.padding(toLength: 14, withPad: " ", startingAt: 0)
            let state = e.state.padding(toLength: 8, withPad: " ", startingAt: 0)
            print("  \(id) \(state) \(e.reason)")
        }
        return .ok
    }

    /// `panorama demo`: a demo data set (generated once), the default pipeline over all its months,
    /// and the path of the newest report.
    static func demo(_ raw: [String]) throws -> ExitCode {
        var args = Arguments(raw)
        let opts = try args.parse(options: ["--customers", "--config"], flags: ["--quiet"])
        var customers = 20_000
        var configPath = defaultConfig
        var quiet = false
        for (name, value) in opts {
            switch name {
            case "--customers": customers = try positiveInt(value!, name)
            case "--config": configPath = value!
            default: quiet = true
            }
        }
        let start = "2025-12", months = 6
        let root = "data/demo"
        let input = root + "/input"
        if !FileManager.default.fileExists(atPath: input + "/_truth.json") {
            FileHandle.standardError.write("generating the demo deliveries (\(months) months from \(start), \(customers) customers) in \(input)\n".data(using: .utf8)!)
            let options = GeneratorOptions(start: start, months: months, customers: customers, seed: 2026, encoding: "utf-8", dirtyRate: 0.01)
            _ = try SyntheticDeliveryGenerator(options: options).write(to: URL(fileURLWithPath: input))
        }
        var config = try PipelineConfig.load(path: configPath)
        config.inputPath = input + "/{month}"
        config.warehousePath = root + "/warehouse"
        let first = Month(key: start)!
        let last = first.adding(months - 1)
        let outcome = PipelineRunner(config: config, options: RunOptions(months: .range(first, last)),
                                     log: RunLogger(quiet: quiet)).run()
        guard outcome.exitCode == .ok else { return outcome.exitCode }
        let reportDir = PipelineConfig.resolve(config.reportsPath, month: last)
        let html = reportDir + "/panorama.html"
        if FileManager.default.fileExists(atPath: html) {
            print(html)
        } else {
            print(config.warehousePath)
        }
        return .ok
    }

    static func positiveInt(_ v: String, _ name: String) throws -> Int {
        guard let n = Int(v), n > 0 else { throw PanoramaError.usage("\(name) expects a positive integer, got `\(v)`") }
        return n
    }
}
