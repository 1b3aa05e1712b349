// swift-tools-version:6.0
// Panorama — the nightly customer-satisfaction pipeline of a mobile operator.
// Built on the Swift toolchain alone: no package dependencies (production hosts are audited and
// often air-gapped).
import PackageDescription

let package = Package(
    name: "Panorama",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "panorama", targets: ["panorama"]),
    ],
    targets: [
        .target(name: "PanoramaCore"),
        .target(name: "PanoramaConfig", dependencies: ["PanoramaCore"]),
        .target(name: "PanoramaStats"),
        .target(name: "PanoramaGenerate"),
        .target(name: "PanoramaStages", dependencies: ["PanoramaCore", "PanoramaConfig", "PanoramaStats"]),
        .target(name: "PanoramaEngine", dependencies: ["PanoramaCore", "PanoramaConfig", "PanoramaStages"]),
        .executableTarget(name: "panorama", dependencies: ["PanoramaEngine", "PanoramaGenerate"]),
        .testTarget(name: "PanoramaCoreTests", dependencies: ["PanoramaCore"]),
        .testTarget(name: "PanoramaConfigTests", dependencies: ["PanoramaConfig"]),
        .testTarget(name: "PanoramaGenerateTests", dependencies: ["PanoramaGenerate"]),
        .testTarget(name: "PanoramaStatsTests", dependencies: ["PanoramaStats"]),
        .testTarget(name: "PanoramaStagesTests", dependencies: ["PanoramaStages", "PanoramaGenerate"]),
        .testTarget(name: "PanoramaEngineTests", dependencies: ["PanoramaEngine", "PanoramaGenerate"]),
    ]
)
