import PanoramaCore
import PanoramaEngine
import PanoramaStages

/// A month's delivered files read the way the engine hands them to a stage.
public enum Deliveries {
    /// The files of `folder`, one per source in `Source` order (as `cleanse` receives them); nil for
    /// an optional source whose file is absent.
    public static func read(_ folder: String) throws -> [Delivery?] {
        try Source.allCases.map { s in
            let path = folder + "/" + s.fileName
            if s.isOptional && !FileIO.exists(path) { return nil }
            let bytes = try FileIO.read(path)
            return Delivery(path: path, bytes: bytes, sha256: SHA256Digest.hex(bytes))
        }
    }
}

extension Deliveries {
    /// One file read as a delivery.
    public static func file(_ path: String) throws -> Delivery {
        let bytes = try FileIO.read(path)
        return Delivery(path: path, bytes: bytes, sha256: SHA256Digest.hex(bytes))
    }
}
