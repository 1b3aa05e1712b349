import PanoramaCore
extension Commands {
    static func generate(_ raw: [String]) throws -> ExitCode { throw PanoramaError.usage("generate: being integrated") }
}
