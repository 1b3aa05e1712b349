import Testing
import PanoramaStats

@Suite("Logistic regression (SPEC §5.2)")
struct LogisticRegressionTests {
    /// mtcars as y = am, x = [hp, wt] (or another pair of columns).
    private func mtcars(_ response: String, _ predictors: [String]) throws -> (y: [Bool], x: [[Double]]) {
        let data = try Fixture.load("mtcars")
        return (try data.column(response).map { $0 == 1 }, try data.columns(predictors))
    }

    @Test("glm(am ~ hp + wt, family = binomial, data = mtcars): coefficients, standard errors and deviance as printed")
    func mtcarsTransmission() throws {
        let (y, x) = try mtcars("am", ["hp", "wt"])
        let fit = try LogisticRegression.fit(y: y, x: x, ridge: 0)
        // Resources/README.md: r-tutor.com prints summary(am.glm) to 4 decimals, the deviances to 3,
        // and predict(am.glm, data.frame(hp = 120, wt = 2.8), type = "response") = 0.64181.
        #expect(fit.converged && fit.warnings.isEmpty)
        #expect(matchesPrinted(fit.coefficients[0], "18.8663"))
        #expect(matchesPrinted(fit.coefficients[1], "0.0363"))
        #expect(matchesPrinted(fit.coefficients[2], "-8.0835"))
        let se = fit.standardErrors.map { $0 ?? .nan }
        #expect(matchesPrinted(se[0], "7.4436"))
        #expect(matchesPrinted(se[1], "0.0177"))
        #expect(matchesPrinted(se[2], "3.0687"))
        // z values as printed (2.53, 2.04, −2.63).
        #expect(matchesPrinted(fit.coefficients[0] / se[0], "2.53"))
        #expect(matchesPrinted(fit.coefficients[1] / se[1], "2.04"))
        #expect(matchesPrinted(fit.coefficients[2] / se[2], "-2.63"))
        #expect(matchesPrinted(fit.deviance, "10.059"))
        #expect(matchesPrinted(fit.probability([120, 2.8]), "0.64181"))
        #expect(fit.n == 32 && fit.events == 13)
        // R reports 8 Fisher scoring iterations with its looser deviance criterion; Newton from 0 to
        // max|Δβ| ≤ 1e-10 takes a few more, never near the limit.
        #expect(fit.iterations > 5 && fit.iterations < 20)
    }

    @Test("glm(vs ~ wt + disp, family = binomial, data = mtcars): the five printed digits")
    func mtcarsEngine() throws {
        let (y, x) = try mtcars("vs", ["wt", "disp"])
        let fit = try LogisticRegression.fit(y: y, x: x)
        // Resources/README.md: theanalysisfactor.com prints summary(model) to 5 decimals.
        #expect(matchesPrinted(fit.coefficients[0], "1.60859"))
        #expect(matchesPrinted(fit.coefficients[1], "1.62635"))
        #expect(matchesPrinted(fit.coefficients[2], "-0.03443"))
        #expect(matchesPrinted(fit.standardErrors[0]!, "2.43903"))
        #expect(matchesPrinted(fit.standardErrors[1]!, "1.49068"))
        #expect(matchesPrinted(fit.standardErrors[2]!, "0.01536"))
        #expect(matchesPrinted(fit.deviance, "21.40"))
    }

    @Test("0/1 predictors packed as bits give the dense fit to rounding, with and without ridge")
    func packedIndicatorsMatchDense() throws {
        // am ~ vs + wt + hp: vs is 0/1 and is packed; am is the response.
        let (y, x) = try mtcars("am", ["vs", "wt", "hp"])
        for ridge in [0.0, 1.0, 5.0] {
            let packed = try LogisticRegression.fit([LogisticRows(y: y, x: x)], ridge: ridge)
            let dense = try LogisticRegression.fit([LogisticRows(y: y, x: x, packing: .none)], ridge: ridge)
            #expect(try LogisticRows(y: y, x: x).predictors == [.indicator(bit: 0), .numeric(column: 0), .numeric(column: 1)])
            #expect(packed.converged && dense.converged)
            for j in 0..<4 {
                #expect(abs(packed.coefficients[j] - dense.coefficients[j]) <= 1e-9 * max(1, abs(dense.coefficients[j])))
                #expect(abs(packed.standardErrors[j]! - dense.standardErrors[j]!) <= 1e-9 * dense.standardErrors[j]!)
            }
        }
    }

    @Test("ridge: the gradient of the penalised objective vanishes, the intercept is not shrunk")
    func ridgeOptimality() throws {
        let (y, x) = try mtcars("am", ["hp", "wt"])
        let lambda = 2.0
        let fit = try LogisticRegression.fit(y: y, x: x, ridge: lambda)
        #expect(fit.converged)
        // Σ(y − p) = 0 (intercept, unpenalised) and Σ(y − p)xⱼ = λβⱼ.
        var g = [0.0, 0.0, 0.0]
        for i in 0..<y.count {
            let r = (y[i] ? 1.0 : 0.0) - fit.probability([x[0][i], x[1][i]])
            g[0] += r; g[1] += r * x[0][i]; g[2] += r * x[1][i]
        }
        #expect(abs(g[0]) < 1e-9)
        #expect(abs(g[1] - lambda * fit.coefficients[1]) < 1e-7)
        #expect(abs(g[2] - lambda * fit.coefficients[2]) < 1e-9)
        // Shrinking: the penalised slopes are smaller in size than the ML ones.
        let ml = try LogisticRegression.fit(y: y, x: x)
        #expect(abs(fit.coefficients[2]) < abs(ml.coefficients[2]))
        #expect(fit.penalisedLogLikelihood < fit.logLikelihood)
    }

    @Test("several row sets fit as their union, bit for bit the same on a re-run")
    func partsAreTheirUnion() throws {
        let (y, x) = try mtcars("am", ["vs", "wt", "hp"])
        let whole = try LogisticRegression.fit([LogisticRows(y: y, x: x)], ridge: 1)
        let a = try LogisticRows(y: Array(y[..<10]), x: x.map { Array($0[..<10]) })
        let b = try LogisticRows(y: Array(y[10...]), x: x.map { Array($0[10...]) })
        let split = try LogisticRegression.fit([a, b], ridge: 1)
        for j in 0..<4 { #expect(abs(split.coefficients[j] - whole.coefficients[j]) <= 1e-9 * max(1, abs(whole.coefficients[j]))) }
        #expect(try LogisticRegression.fit([a, b], ridge: 1) == split)
    }
}

@Suite("Logistic regression on data without a finite optimum")
struct LogisticDegenerateTests {
    private func allFinite(_ fit: LogisticFit) -> Bool {
        fit.coefficients.allSatisfy(\.isFinite) && fit.standardErrors.allSatisfy { $0?.isFinite ?? true }
            && fit.logLikelihood.isFinite && fit.penalisedLogLikelihood.isFinite
    }

    @Test("perfectly separated data without ridge: finite coefficients, separation and non-convergence warnings")
    func separated() throws {
        // y = 1 exactly when x > 2.5: the ML slope is +∞.
        let x: [Double] = [0, 1, 2, 3, 4, 5]
        let y = x.map { $0 > 2.5 }
        let fit = try LogisticRegression.fit(y: y, x: [x])
        #expect(allFinite(fit))
        #expect(!fit.converged)
        #expect(fit.coefficients[1] > 10)
        #expect(fit.warnings.contains { if case .separation = $0 { return true } else { return false } })
        #expect(fit.warnings.contains {
            switch $0 {
            case .notConverged, .stepFailed, .rankLost: return true
            default: return false
            }
        })
        // Every fitted probability is finite and on the right side.
        for (xi, yi) in zip(x, y) { #expect((fit.probability([xi]) > 0.5) == yi) }
    }

    @Test("separated data with ridge: a finite optimum, converged, no warning")
    func separatedWithRidge() throws {
        let x: [Double] = [0, 1, 2, 3, 4, 5]
        let fit = try LogisticRegression.fit(y: x.map { $0 > 2.5 }, x: [x], ridge: 1)
        #expect(fit.converged && fit.warnings.isEmpty && allFinite(fit))
        // By symmetry about x = 2.5 the fitted η is 0 there: β₀ = −2.5·β₁.
        #expect(abs(fit.coefficients[0] + 2.5 * fit.coefficients[1]) < 1e-9)
    }

    @Test("a constant response: finite numbers after the 100 iterations, with warnings")
    func constantResponse() throws {
        let x: [Double] = [1, 2, 3, 4]
        let fit = try LogisticRegression.fit(y: [false, false, false, false], x: [x], ridge: 1)
        #expect(allFinite(fit))
        #expect(fit.warnings.first == .constantResponse)
        #expect(fit.iterations == 100 && !fit.converged)
        #expect(fit.warnings.contains(.notConverged(iterations: 100)))
        // The intercept drifts towards −∞ (about −1 per step once p is small); the slope stays near 0.
        #expect(fit.coefficients[0] < -50)
        #expect(abs(fit.coefficients[1]) < 1e-3)
    }

    @Test("a constant predictor without ridge is aliased: coefficient 0, no standard error, a warning")
    func constantPredictor() throws {
        let (y, x) = (Array([true, false, true, true, false, false, true, false]),
                      [[1.0, 2, 3, 4, 5, 6, 7, 8], [3.0, 3, 3, 3, 3, 3, 3, 3]])
        let fit = try LogisticRegression.fit(y: y, x: x)
        #expect(allFinite(fit))
        #expect(fit.coefficients[2] == 0 && fit.standardErrors[2] == nil)
        #expect(fit.warnings == [.aliased([2])])
        // The other two are the fit without that column.
        let alone = try LogisticRegression.fit(y: y, x: [x[0]])
        #expect(abs(fit.coefficients[1] - alone.coefficients[1]) < 1e-9)
    }

    @Test("no rows: the starting point 0 and a warning, with and without ridge")
    func empty() throws {
        for ridge in [0.0, 1.0] {
            let fit = try LogisticRegression.fit(y: [], x: [[], []], ridge: ridge)
            #expect(fit.coefficients == [0, 0, 0])
            #expect(fit.standardErrors == [nil, nil, nil])
            #expect(fit.warnings == [.noRows])
            #expect(fit.n == 0 && fit.logLikelihood == 0)
        }
    }

    @Test("caller mistakes are errors: lengths, non-finite values, negative ridge, mixed layouts")
    func callerErrors() throws {
        #expect(throws: StatsError.self) { try LogisticRegression.fit(y: [true, false], x: [[1]]) }
        #expect(throws: StatsError.self) { try LogisticRegression.fit(y: [true, false], x: [[1, .nan]]) }
        #expect(throws: StatsError.self) { try LogisticRegression.fit(y: [true, false], x: [[1, 2]], ridge: -1) }
        let a = try LogisticRows(y: [true, false], x: [[0, 1]])
        let b = try LogisticRows(y: [true, false], x: [[0, 2]])
        #expect(throws: StatsError.self) { try LogisticRegression.fit([a, b], ridge: 1) }
        #expect(throws: StatsError.self) {
            try LogisticRows(y: [true], bits: [0b10], numbers: [], numericCount: 0, predictors: [.indicator(bit: 0)])
        }
    }
}
