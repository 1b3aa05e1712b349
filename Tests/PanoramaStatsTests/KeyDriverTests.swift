import Testing
import PanoramaStats

/// Small hand-made data (n = 12) for the singularity rules.
private let x1: [Double] = [3, 7, 5, 9, 2, 8, 6, 4, 10, 1, 7, 5]
private let x2: [Double] = [6, 5, 8, 2, 9, 4, 7, 3, 5, 8, 1, 6]
private let y12: [Double] = [5, 8, 7, 9, 3, 9, 8, 4, 10, 2, 6, 7]

@Suite("Key-driver model (SPEC §5)")
struct KeyDriverModelTests {
    @Test("attitude: per-driver rows agree with OLS and LMG; ranks, pct and warnings follow the spec")
    func attitude() throws {
        let data = try Fixture.load("attitude")
        let y = try data.column("rating")
        let x = try data.columns(attitudeDrivers)
        guard case .fitted(let model) = try KeyDriver.fit(y: y, names: attitudeDrivers, x: x, yName: "rating") else {
            Issue.record("attitude should not be singular")
            return
        }
        let ols = try OLSFit(y: y, x: x)
        let ri = try RelativeImportance(y: y, x: x)
        #expect(model.n == 30)
        #expect(model.r2 == ols.r2 && model.adjR2 == ols.adjustedR2 && model.fStat == ols.fStatistic)
        #expect(model.fPValue == ols.fPValue && model.rmse == ols.rmse && model.intercept == ols.intercept)
        #expect(model.drivers.map(\.name) == attitudeDrivers)
        #expect(model.drivers.map(\.coef) == ols.coefficients)
        #expect(model.drivers.map(\.vif) == ols.vif)
        #expect(model.drivers.map(\.importance) == ri.lmg)
        #expect(isClose(model.drivers.map(\.importancePct).reduce(0, +), 100, rel: 1e-12))
        // Importance order: complaints > learning > raises > privileges > advance > critical.
        #expect(model.drivers.map(\.rank) == [1, 4, 2, 3, 6, 5])
        // Published: privileges and advance have negative coefficients despite positive
        // correlations; max VIF is 3.08 (no max_vif>5); n = 30 < 10·6.
        #expect(model.warnings == ["n<10p", "negative_coef:privileges", "negative_coef:advance"])
        // pct: 50.6, 6.9, 21.3, 16.4, 0.9, 3.8 (mean 16.67); performance 10×mean: 666.0, 531.3,
        // 563.7, 646.3, 747.7, 429.3 (mean 597.4). raises (16.43) is just below the pct mean.
        #expect(model.drivers.map(\.quadrant) == [.keepStrength, .watch, .improveFirst, .lowPriority, .lowPriority, .watch])
        #expect(isClose(model.drivers[0].performance, 666, rel: 1e-14))
        #expect(model.drivers.allSatisfy { $0.pValue.isFinite && $0.stdErr > 0 && $0.npsLift1pt.isFinite })
    }

    @Test("mtcars disp + hp + wt + qsec warns about VIF, n and the negative hp and wt coefficients")
    func mtcarsWarnings() throws {
        let data = try Fixture.load("mtcars")
        let names = ["disp", "hp", "wt", "qsec"]
        let outcome = try KeyDriver.fit(y: data.column("mpg"), names: names, x: data.columns(names), yName: "mpg")
        guard case .fitted(let model) = outcome else { Issue.record("unexpected \(outcome)"); return }
        #expect(model.warnings == ["max_vif>5", "n<10p", "negative_coef:hp", "negative_coef:wt"])
    }

    @Test("the per-driver NPS lift and performance use the model's own rows")
    func liftAndPerformanceWiring() throws {
        guard case .fitted(let model) = try KeyDriver.fit(y: y12, names: ["a", "b"], x: [x1, x2]) else {
            Issue.record("should fit"); return
        }
        #expect(model.drivers[0].performance == KeyDriver.performance(x1))
        #expect(model.drivers[1].npsLift1pt == KeyDriver.npsLift(nps: y12, coefficient: model.drivers[1].coef))
        #expect(model.warnings.first == "n<10p")  // 12 < 20
    }

    @Test("malformed input throws: length mismatch, NaN, no drivers, more than 15 drivers")
    func malformed() {
        #expect(throws: StatsError.self) { try KeyDriver.fit(y: y12, names: ["a"], x: [[1, 2, 3]]) }
        #expect(throws: StatsError.self) { try KeyDriver.fit(y: y12, names: ["a", "b"], x: [x1]) }
        #expect(throws: StatsError.self) {
            try KeyDriver.fit(y: y12.map { $0 == 9 ? .nan : $0 }, names: ["a"], x: [x1])
        }
        #expect(throws: StatsError.noPredictors) { try KeyDriver.fit(y: y12, names: [], x: []) }
        let many = (0..<16).map { j in (0..<12).map { i in Double((i * (j + 2)) % 7) } }
        #expect(throws: StatsError.tooManyPredictors(16)) {
            try KeyDriver.fit(y: y12, names: (0..<16).map { "d\($0)" }, x: many)
        }
    }
}

@Suite("Singular key-driver models")
struct SingularityTests {
    @Test("a constant driver is singular:<driver>, even for a constant like 0.1 whose mean is inexact")
    func constantDriver() throws {
        #expect(try KeyDriver.singularity(y: y12, names: ["a", "b"], x: [x1, [Double](repeating: 5, count: 12)])
                == ["singular:b"])
        #expect(try KeyDriver.singularity(y: y12, names: ["a", "b"], x: [[Double](repeating: 0.1, count: 12), x2])
                == ["singular:a"])
    }

    @Test("x3 = x1 + x2 is singular:x3, and with order (x3, x1, x2) the last one is blamed")
    func collinear() throws {
        let x3 = zip(x1, x2).map { $0 + $1 }
        #expect(try KeyDriver.singularity(y: y12, names: ["x1", "x2", "x3"], x: [x1, x2, x3]) == ["singular:x3"])
        #expect(try KeyDriver.singularity(y: y12, names: ["x3", "x1", "x2"], x: [x3, x1, x2]) == ["singular:x2"])
        // Affine combinations count too (the intercept is in the span): x4 = 2·x1 − 3.
        #expect(try KeyDriver.singularity(y: y12, names: ["x1", "x4"], x: [x1, x1.map { 2 * $0 - 3 }]) == ["singular:x4"])
    }

    @Test("every offending driver is listed, in driver order")
    func several() throws {
        let constant = [Double](repeating: 7, count: 12)
        let double2 = x2.map { 2 * $0 }
        let names = ["c", "x1", "x2", "d2"]
        #expect(try KeyDriver.singularity(y: y12, names: names, x: [constant, x1, x2, double2])
                == ["singular:c", "singular:d2"])
    }

    @Test("nearly collinear (relative residual far above 1e-9) is not singular")
    func nearlyCollinear() throws {
        let noise: [Double] = [0.001, -0.001, 0.002, 0, -0.002, 0.001, 0, -0.001, 0.001, 0.002, -0.002, 0]
        let x3 = (0..<12).map { x1[$0] + x2[$0] + noise[$0] }
        #expect(try KeyDriver.singularity(y: y12, names: ["x1", "x2", "x3"], x: [x1, x2, x3]) == nil)
    }

    @Test("n ≤ p + 1 is plain `singular` and takes precedence over everything else")
    func tooFewRows() throws {
        // n = 3, p = 2: n ≤ p + 1. y is also constant, yet `singular` wins.
        #expect(try KeyDriver.singularity(y: [5, 5, 5], names: ["a", "b"], x: [[1, 2, 3], [3, 1, 2]]) == ["singular"])
        // n = 4, p = 2 is enough rows (df = 1).
        #expect(try KeyDriver.singularity(y: [1, 4, 2, 3], names: ["a", "b"], x: [[1, 2, 3, 4], [3, 1, 2, 5]]) == nil)
    }

    @Test("constant y is singular:<y name> and takes precedence over singular drivers")
    func constantY() throws {
        let flat = [Double](repeating: 8, count: 12)
        let x3 = zip(x1, x2).map { $0 + $1 }
        #expect(try KeyDriver.singularity(y: flat, names: ["a", "b", "c"], x: [x1, x2, x3]) == ["singular:nps"])
        #expect(try KeyDriver.singularity(y: flat, names: ["a"], x: [x1], yName: "ltr") == ["singular:ltr"])
    }

    @Test("an exact fit is singular:perfect_fit")
    func perfectFit() throws {
        // y = 1 + 0.5·x1 − 0.25·x2, exactly representable, so RSS is at rounding level.
        let y = (0..<12).map { 1 + 0.5 * x1[$0] - 0.25 * x2[$0] }
        #expect(try KeyDriver.singularity(y: y, names: ["a", "b"], x: [x1, x2]) == ["singular:perfect_fit"])
    }

    @Test("fit reports the singular outcome with n and warnings only, never NaN numbers")
    func fitOutcome() throws {
        let x3 = zip(x1, x2).map { $0 + $1 }
        #expect(try KeyDriver.fit(y: y12, names: ["x1", "x2", "x3"], x: [x1, x2, x3])
                == .singular(n: 12, warnings: ["singular:x3"]))
        #expect(try KeyDriver.fit(y: [1, 2], names: ["a"], x: [[1, 2]]) == .singular(n: 2, warnings: ["singular"]))
        #expect(try KeyDriver.fit(y: [], names: ["a"], x: [[]]) == .singular(n: 0, warnings: ["singular"]))
        #expect(try KeyDriver.singularity(y: y12, names: ["x1", "x2"], x: [x1, x2]) == nil)
    }
}

@Suite("Key-driver rules: rank, quadrant, NPS lift, warnings")
struct KeyDriverRuleTests {
    @Test("rank 1 is the largest importance and ties keep driver order")
    func ranks() {
        #expect(KeyDriver.ranks([0.2, 0.5, 0.2, 0.1]) == [2, 1, 3, 4])
        #expect(KeyDriver.ranks([0.3, 0.3, 0.3]) == [1, 2, 3])
        #expect(KeyDriver.ranks([]) == [])
    }

    @Test("quadrants compare with the means over drivers, equal counting as high")
    func quadrants() {
        // importance_pct 40, 30, 20, 10 → mean 25: high, high, low, low.
        // performance   60, 80, 70, 50 → mean 65: low, high, high, low.
        #expect(KeyDriver.quadrants(importancePct: [40, 30, 20, 10], performance: [60, 80, 70, 50])
                == [.improveFirst, .keepStrength, .lowPriority, .watch])
        // Exactly at the mean is high: pct 25 with mean 25, performance 65 with mean 65.
        #expect(KeyDriver.quadrants(importancePct: [25, 40, 10], performance: [65, 50, 80])
                == [.keepStrength, .improveFirst, .lowPriority])
        // Three equal values: (0.1 + 0.1 + 0.1)/3 = 0.10000000000000002 > 0.1 in floating point,
        // yet all of them equal the mean and must count as high.
        #expect(KeyDriver.quadrants(importancePct: [0.1, 0.1, 0.1], performance: [70, 70, 70])
                == [.keepStrength, .keepStrength, .keepStrength])
        #expect(Quadrant.improveFirst.rawValue == "improve_first" && Quadrant.lowPriority.rawValue == "low_priority")
    }

    @Test("performance is 10 × the mean score")
    func performance() {
        #expect(KeyDriver.performance([7, 8, 9]) == 80)
        #expect(KeyDriver.performance([]) == 0)
    }

    @Test("NPS counts 9–10 as promoters and 0–6 as detractors")
    func nps() {
        #expect(KeyDriver.netPromoterScore([10, 9, 8, 7, 6, 0]) == 0)     // (2 − 2)/6
        #expect(isClose(KeyDriver.netPromoterScore([10, 10, 5]), 100.0 / 3, rel: 1e-15))
        #expect(KeyDriver.netPromoterScore([9, 9, 9, 9]) == 100)
    }

    @Test("nps_lift_1pt on hand-worked cases")
    func lift() {
        let scores: [Double] = [10, 9, 8, 7, 6, 0]  // NPS 0
        // coef 0: every s is an integer score, P − D reproduces the categories, lift 0.
        #expect(abs(KeyDriver.npsLift(nps: scores, coefficient: 0)) < 1e-12)
        // coef +0.5: s = 10 (clamped from 10.5), 9.5, 8.5, 7.5, 6.5, 0.5
        //   P = 1, 1, 0.5, 0, 0, 0;  D = 0, 0, 0, 0, 0.5, 1;  Σ(P − D) = 1
        //   lift = 100 × 1/6 − 0 = 16.667
        #expect(isClose(KeyDriver.npsLift(nps: scores, coefficient: 0.5), 100.0 / 6, rel: 1e-12))
        // coef −1: s = 9, 8, 7, 6, 5, 0 (−1 clamped to 0)
        //   P = 1, 0, 0, 0, 0, 0;  D = 0, 0, 0, 1, 1, 1;  Σ(P − D) = −2 → lift = −33.333
        #expect(isClose(KeyDriver.npsLift(nps: scores, coefficient: -1), -100.0 / 3, rel: 1e-12))
        // Scores 10, 10, 5 (NPS 33.333) with coef 2: s = 10, 10, 7 → P = 1, 1, 0; D = 0, 0, 0
        //   lift = 100 × 2/3 − 100/3 = 33.333
        #expect(isClose(KeyDriver.npsLift(nps: [10, 10, 5], coefficient: 2), 100.0 / 3, rel: 1e-12))
    }

    @Test("model warnings: thresholds are strict and order is max_vif, n<10p, negative coefficients")
    func warnings() {
        let names = ["a", "b", "c"]
        #expect(KeyDriver.modelWarnings(n: 30, names: names, coefficients: [1, 2, 3], vif: [5, 5, 1]) == [])
        #expect(KeyDriver.modelWarnings(n: 29, names: names, coefficients: [-1, 2, -3], vif: [5.0001, 1, 1])
                == ["max_vif>5", "n<10p", "negative_coef:a", "negative_coef:c"])
        #expect(KeyDriver.modelWarnings(n: 30, names: names, coefficients: [0, 2, 3], vif: [1, 1, 1]) == [])
    }
}
