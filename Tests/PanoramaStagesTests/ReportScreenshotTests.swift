import Foundation
import Testing
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages

@Suite("panorama.html renders in a real browser")
struct ReportScreenshotTests {
    /// Screenshots a file with headless Chromium; nil (with an issue recorded) when Chromium is missing.
    static func screenshot(_ htmlPath: String, to png: String) throws -> Int? {
        guard let chromium = ExternalTool.find(["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]) else {
            Issue.record("headless Chromium is not installed: CI must install it (apt-get install -y chromium)")
            return nil
        }
        let profile = (png as NSString).deletingPathExtension + "-profile"
        let result = try ExternalTool.run(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile)",
            "--screenshot=\(png)", "--window-size=1200,2000", "file://\(htmlPath)",
        ], timeout: 120)
        #expect(result.status == 0, "chromium: \(result.out)\(result.err)")
        return (try? FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
    }

    @Test("a headless Chromium screenshot of the report is a PNG well above a blank page's size",
          .timeLimit(.minutes(5)))
    func screenshot() throws {
        let dir = TempDir()
        dir.write("panorama.html", ReportFixture.render().html)
        dir.write("blank.html", "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body></body></html>")
        guard let blank = try Self.screenshot(dir.path + "/blank.html", to: dir.path + "/blank.png"),
              let report = try Self.screenshot(dir.path + "/panorama.html", to: dir.path + "/report.png") else { return }
        // PANORAMA_KEEP_SCREENSHOT=/some/dir keeps the page and its screenshot for a human look.
        if let keep = ProcessInfo.processInfo.environment["PANORAMA_KEEP_SCREENSHOT"] {
            for name in ["panorama.html", "report.png"] {
                try? FileManager.default.removeItem(atPath: keep + "/" + name)
                try? FileManager.default.copyItem(atPath: dir.path + "/" + name, toPath: keep + "/" + name)
            }
        }
        let bytes = [UInt8](FileManager.default.contents(atPath: dir.path + "/report.png") ?? Data())
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        #expect(blank > 0)
        #expect(report > 5 * blank && report > 30_000, "report PNG \(report) bytes vs blank \(blank) bytes")
    }
}
