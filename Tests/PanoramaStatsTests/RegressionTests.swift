import Testing
import PanoramaStats

let attitudeDrivers = ["complaints", "privileges", "learning", "raises", "critical", "advance"]

@Suite("Householder QR least squares")
struct QRTests {
    @Test("solves an exactly determined system and a least-squares line")
    func solves() {
        // Columns [1, x] with y = 2 + 3x exactly: coefficients (2, 3), zero residuals.
        let x: [Double] = [0, 1, 2, 3, 4]
        let qr = HouseholderQR(columns: [[1, 1, 1, 1, 1], x])
        let exact = qr.solve(x.map { 2 + 3 * $0 })
        #expect(qr.rank == 2)
        #expect(allClose(exact.coefficients, [2, 3], rel: 1e-14))
        #expect(exact.rss < 1e-25)
        // y = (1, 3, 2, 5, 4): slope = Sxy/Sxx = 8/10, intercept = 3 − 0.8·2 = 1.4.
        let fit = qr.solve([1, 3, 2, 5, 4])
        #expect(allClose(fit.coefficients, [1.4, 0.8], rel: 1e-13))
        // Residuals are orthogonal to every column and their squares sum to rss.
        #expect(abs(fit.residuals.reduce(0, +)) < 1e-13)
        #expect(abs(zip(fit.residuals, x).map { $0 * $1 }.reduce(0, +)) < 1e-13)
        #expect(isClose(fit.residuals.map { $0 * $0 }.reduce(0, +), fit.rss, rel: 1e-12))
        #expect(isClose(fit.rss, 3.6, rel: 1e-12))  // Syy − Sxy²/Sxx = 10 − 6.4
    }

    @Test("detects rank: a column equal to a combination of earlier ones is aliased with coefficient 0")
    func rankDetection() {
        let a: [Double] = [1, 2, 3, 4, 5, 6]
        let b: [Double] = [2, 1, 0, 1, 2, 7]
        let c = zip(a, b).map { 2 * $0 - $1 }
        let qr = HouseholderQR(columns: [a, b, c, [0, 0, 0, 0, 0, 0]])
        #expect(qr.rank == 2)
        #expect(qr.aliased == [false, false, true, true])
        #expect(qr.residualNorms[2] < 1e-13)
        let sol = qr.solve([1, 0, 2, 1, 3, 2])
        #expect(sol.coefficients[2] == 0 && sol.coefficients[3] == 0)
    }
}

@Suite("OLS with intercept")
struct OLSTests {
    @Test("attitude: coefficients, inference and fit statistics match R's lm(rating ~ .)")
    func attitude() throws {
        let data = try Fixture.load("attitude")
        let fit = try OLSFit(y: data.column("rating"), x: data.columns(attitudeDrivers))
        // summary(lm(rating ~ ., attitude)) in R; digits cross-checked with numpy/scipy.
        #expect(isClose(fit.intercept, 10.78707639, rel: 1e-8))
        #expect(allClose(fit.coefficients,
                         [0.61318761, -0.07305014, 0.32033212, 0.08173213, 0.03838145, -0.21705668], rel: 1e-7))
        #expect(allClose(fit.standardErrors,
                         [0.16098311, 0.13572469, 0.16852032, 0.22147768, 0.14699544, 0.17820947], rel: 1e-7))
        #expect(allClose(fit.tStatistics,
                         [3.80901816, -0.53822295, 1.9008516, 0.36903102, 0.26110638, -1.21798623], rel: 1e-7))
        #expect(allClose(fit.pValues,
                         [0.000902867884012263, 0.5955939205080057, 0.06992534594889291,
                          0.7154800884387947, 0.796334264209985, 0.23557704862895046], rel: 1e-9))
        #expect(isClose(fit.r2, 0.7326019925311489, rel: 1e-12))
        #expect(isClose(fit.adjustedR2, 0.662845990582753, rel: 1e-12))
        #expect(isClose(fit.fStatistic, 10.502350651820798, rel: 1e-11))
        #expect(isClose(fit.fPValue, 1.240412055778512e-05, rel: 1e-8))
        // rmse divides by n (SPEC §5), not by n − p − 1 as R's "residual standard error" (7.068).
        #expect(isClose(fit.rmse, 6.188700253490867, rel: 1e-12))
        #expect(isClose((fit.rss / Double(fit.n - fit.p - 1)).squareRoot(), 7.068, rel: 1e-3))
        #expect(allClose(fit.standardizedCoefficients,
                         [0.6707252044117195, -0.07342742766559202, 0.308870243656917,
                          0.0698117150313683, 0.03119974860544732, -0.18346445004386214], rel: 1e-10))
        #expect(allClose(fit.vif,
                         [2.6670603082578466, 1.600891407383996, 2.271043158045659,
                          3.0782262181910185, 1.228108967206747, 1.9515907911500776], rel: 1e-10))
        #expect(isClose(fit.tss - fit.rss, fit.r2 * fit.tss, rel: 1e-12))
    }

    @Test("mtcars disp + hp + wt + qsec: VIFs match the olsrr vignette")
    func mtcarsVIF() throws {
        let data = try Fixture.load("mtcars")
        let fit = try OLSFit(y: data.column("mpg"), x: data.columns(["disp", "hp", "wt", "qsec"]))
        let published = ["7.985439", "5.166758", "6.916942", "3.133119"]
        for (value, printed) in zip(fit.vif, published) {
            #expect(matchesPrinted(value, printed), "VIF \(value) vs \(printed)")
        }
    }

    @Test("a single predictor has VIF 1 and its t² equals F")
    func singlePredictor() throws {
        let fit = try OLSFit(y: [1, 3, 2, 5, 4, 6], x: [[1, 2, 3, 4, 5, 6]])
        #expect(fit.vif == [1] || isClose(fit.vif[0], 1, rel: 1e-14))
        #expect(isClose(fit.tStatistics[0] * fit.tStatistics[0], fit.fStatistic, rel: 1e-12))
        #expect(isClose(fit.pValues[0], fit.fPValue, rel: 1e-10))
    }

    @Test("singular designs throw instead of producing garbage")
    func singularThrows() {
        #expect(throws: StatsError.self) { try OLSFit(y: [1, 2, 3], x: [[1, 2, 4], [2, 1, 0]]) }
        #expect(throws: StatsError.self) { try OLSFit(y: [1, 2, 3, 5, 4], x: [[1, 2, 3, 4, 5], [2, 4, 6, 8, 10]]) }
        #expect(throws: StatsError.self) { try OLSFit(y: [1, 2, 3, 5, 4], x: [[7, 7, 7, 7, 7]]) }
        #expect(throws: StatsError.noPredictors) { try OLSFit(y: [1, 2, 3], x: []) }
        #expect(throws: StatsError.self) { try OLSFit(y: [1, 2, .nan, 4], x: [[1, 2, 3, 4]]) }
    }
}

@Suite("LMG relative importance")
struct RelativeImportanceTests {
    @Test("attitude: R², LMG and single-predictor R² match the dominanceAnalysis README")
    func attitude() throws {
        let data = try Fixture.load("attitude")
        let ri = try RelativeImportance(y: data.column("rating"), x: data.columns(attitudeDrivers))
        #expect(matchesPrinted(ri.r2, "0.733"))
        // Driver order: complaints, privileges, learning, raises, critical, advance.
        let lmg = ["0.371", "0.051", "0.156", "0.120", "0.007", "0.028"]
        let single = ["0.681", "0.182", "0.389", "0.348", "0.024", "0.024"]
        for j in 0..<6 {
            #expect(matchesPrinted(ri.lmg[j], lmg[j]), "\(attitudeDrivers[j]) lmg \(ri.lmg[j])")
            #expect(matchesPrinted(ri.singleR2[j], single[j]), "\(attitudeDrivers[j]) R² \(ri.singleR2[j])")
        }
        // Tighter cross-check against a brute-force numpy evaluation of all 64 subset regressions.
        #expect(allClose(ri.lmg, [0.37081619431932844, 0.05090379297154433, 0.15576599016914128,
                                  0.12034507940362689, 0.006588722545860862, 0.02818221312164713], rel: 1e-10))
    }

    @Test("mtcars am + vs + cyl: R², lmg and conditional dominance match relaimpo via domir")
    func mtcars() throws {
        let data = try Fixture.load("mtcars")
        let ri = try RelativeImportance(y: data.column("mpg"), x: data.columns(["am", "vs", "cyl"]))
        #expect(matchesPrinted(ri.r2, "0.7619773"))
        #expect(matchesPrinted(100 * ri.r2, "76.2"))
        #expect(matchesPrinted(ri.lmg[0], "0.1774892"))
        #expect(matchesPrinted(ri.lmg[1], "0.2027032"))
        #expect(matchesPrinted(ri.lmg[2], "0.3817849"))
        let conditional = [
            ["0.3597989", "0.1389842", "0.033684441"],
            ["0.4409477", "0.1641982", "0.002963748"],
            ["0.7261800", "0.3432799", "0.075894823"],
        ]
        for j in 0..<3 {
            for k in 0..<3 {
                #expect(matchesPrinted(ri.conditionalDominance[j][k], conditional[j][k]), "cd[\(j)][\(k)]")
            }
        }
    }

    @Test("importance sums to the full-model R² and equals the mean conditional dominance")
    func efficiency() throws {
        let data = try Fixture.load("swiss")
        let y = try data.column("Fertility")
        let x = try data.columns(["Agriculture", "Examination", "Education", "Catholic", "Infant.Mortality"])
        let ri = try RelativeImportance(y: y, x: x)
        let ols = try OLSFit(y: y, x: x)
        #expect(isClose(ri.lmg.reduce(0, +), ri.r2, rel: 1e-12))
        #expect(isClose(ri.r2, ols.r2, rel: 1e-12))
        for j in 0..<x.count {
            #expect(isClose(ri.conditionalDominance[j].reduce(0, +) / Double(x.count), ri.lmg[j], rel: 1e-12))
            // Size-0 conditional dominance is the predictor's own R².
            #expect(ri.conditionalDominance[j][0] == ri.singleR2[j])
        }
    }

    @Test("importance is invariant to rescaling a driver (x·10 + 3)")
    func rescaling() throws {
        let data = try Fixture.load("attitude")
        let y = try data.column("rating")
        var x = try data.columns(attitudeDrivers)
        let before = try RelativeImportance(y: y, x: x)
        let olsBefore = try OLSFit(y: y, x: x)
        x[2] = x[2].map { $0 * 10 + 3 }
        let after = try RelativeImportance(y: y, x: x)
        let olsAfter = try OLSFit(y: y, x: x)
        #expect(allClose(after.lmg, before.lmg, rel: 1e-11))
        #expect(allClose(olsAfter.tStatistics, olsBefore.tStatistics, rel: 1e-10))
        #expect(allClose(olsAfter.standardizedCoefficients, olsBefore.standardizedCoefficients, rel: 1e-10))
        #expect(isClose(olsAfter.coefficients[2] * 10, olsBefore.coefficients[2], rel: 1e-10))
    }

    @Test("collinear or constant predictors give finite importances, and more than 15 predictors are refused")
    func robustness() throws {
        let a: [Double] = [1, 4, 2, 8, 5, 7, 3, 6]
        let b: [Double] = [2, 1, 4, 3, 6, 5, 8, 7]
        let y: [Double] = [3, 5, 4, 9, 8, 9, 7, 8]
        let ri = try RelativeImportance(y: y, x: [a, b, zip(a, b).map { $0 + $1 }, [4, 4, 4, 4, 4, 4, 4, 4]])
        #expect(ri.lmg.allSatisfy { $0.isFinite })
        #expect(ri.lmg[3] == 0)
        #expect(isClose(ri.lmg.reduce(0, +), ri.r2, rel: 1e-12))
        let many = (0..<16).map { j in (0..<40).map { i in Double((i * (j + 3)) % 11) } }
        #expect(throws: StatsError.tooManyPredictors(16)) {
            try RelativeImportance(y: (0..<40).map(Double.init), x: many)
        }
    }
}
