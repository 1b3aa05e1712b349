// swift-tools-version:6.0
// Panorama — the nightly customer-satisfaction pipeline of a mobile operator.
// Built on the Swift toolchain alone: no package dependencies (production hosts are audited and
// often air-gapped).
import PackageDescription

// SHA-256 on the x86 SHA extensions: only this one small module is compiled for them, and it checks
// CPUID before use (Sources/PanoramaSHAExtensions). Other architectures build it as a stub.
#if arch(x86_64)
let shaExtensionFlags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-msha", "-Xcc", "-mssse3", "-Xcc", "-msse4.1"])]
#else
let shaExtensionFlags: [SwiftSetting] = []
#endif

let package = Package(
    name: "Panorama",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "panorama", targets: ["panorama"]),
    ],
    targets: [
        .target(name: "PanoramaSHAExtensions", swiftSettings: shaExtensionFlags),
        .target(name: "PanoramaCore", dependencies: ["PanoramaSHAExtensions"]),
        .target(name: "PanoramaConfig", dependencies: ["PanoramaCore"]),
        .target(name: "PanoramaStats"),
        .target(name: "PanoramaGenerate", dependencies: ["PanoramaCore"]),
        .target(name: "PanoramaEngine", dependencies: ["PanoramaCore", "PanoramaConfig"]),
        .target(name: "PanoramaStages", dependencies: ["PanoramaCore", "PanoramaConfig", "PanoramaStats", "PanoramaEngine"]),
        .executableTarget(name: "panorama", dependencies: ["PanoramaEngine", "PanoramaStages", "PanoramaGenerate"]),
        // Helpers the test targets share: temporary folders, child processes (xmllint, the built
        // binary), the feed schema check and deliveries read as the engine reads them.
        .target(name: "PanoramaTestSupport", dependencies: ["PanoramaCore", "PanoramaEngine", "PanoramaStages"],
                path: "Tests/PanoramaTestSupport"),
        .testTarget(name: "PanoramaCoreTests", dependencies: ["PanoramaCore"]),
        .testTarget(name: "PanoramaConfigTests", dependencies: ["PanoramaConfig"]),
        .testTarget(name: "PanoramaGenerateTests", dependencies: ["PanoramaGenerate", "PanoramaCore"]),
        // The R data sets (attitude, mtcars, swiss) and their published figures are committed here.
        .testTarget(name: "PanoramaStatsTests", dependencies: ["PanoramaStats", "PanoramaTestSupport"], resources: [.copy("Resources")]),
        .testTarget(name: "PanoramaStagesTests",
                    dependencies: ["PanoramaStages", "PanoramaEngine", "PanoramaGenerate", "PanoramaTestSupport"]),
        .testTarget(name: "PanoramaEngineTests",
                    dependencies: ["PanoramaEngine", "PanoramaStages", "PanoramaGenerate", "PanoramaTestSupport"]),
    ]
)
