import APClient
import APWire
import Foundation
import PGDriver
import PGMigrations
import ServiceHarness
import TestDatabase
import Testing

@testable import APService

/// The OpenAPI document is the contract: every route the server has is in it, and every operation in
/// it is served.
@Suite struct ContractTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Sources/APService/openapi.yaml")

    /// The document's operations as "METHOD /path", read from its `paths:` section (two-space indents).
    static func operations() throws -> Set<String> {
        let text = try String(contentsOf: document, encoding: .utf8)
        var ops = Set<String>()
        var path: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if !line.hasPrefix(" ") && !line.isEmpty { break }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            }
            for method in ["get", "post", "put", "patch", "delete"] where line == "    \(method):" {
                ops.insert("\(method.uppercased()) \(path!)")
            }
        }
        return ops
    }

    @Test func everyRouteIsInTheDocumentAndEveryOperationIsRouted() throws {
        // Building the router connects to nothing.
        let pool = PGPool(PGConfig(url: "postgresql://nobody@127.0.0.1:1/none"))
        let router = APService.router(
            pool: pool, migrations: Migrator(directory: TestDatabase.sqlDirectory), registry: APService.registry)
        let routed = Set(router.routes.map { "\($0.method) \($0.path)" })
        let documented = try Self.operations()
        #expect(documented.count > 50)
        #expect(routed.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
        #expect(documented.subtracting(routed).sorted() == [], "operations in openapi.yaml with no route")
    }

    @Test func everyDocumentedOperationIsServedOverHTTP() async throws {
        try await Harness.with { h in
            for op in try Self.operations().sorted() {
                let parts = op.split(separator: " ")
                let path = parts[1].replacingOccurrences(
                    of: #"\{[A-Za-z]+\}"#, with: UUID().uuidString, options: .regularExpression)
                let reply = try await h.admin.send(
                    String(parts[0]), String(path), body: parts[0] == "POST" ? Data("{}".utf8) : nil)
                let code = (try? APIJSON.decoder.decode(APIProblem.self, from: reply.body))?.code
                #expect(code != "no-such-route" && code != "method-not-allowed", "\(op) is not served")
                #expect(
                    reply.status < 500 || op == "GET /readyz", "\(op) answered \(reply.status) to a client's mistake")
            }
        }
    }

    @Test func theDocumentIsServedAsIs() async throws {
        try await Harness.with { h in
            let reply = try await h.anonymous.send("GET", "openapi.yaml")
            #expect(reply.status == 200)
            #expect(reply.body == (try Data(contentsOf: Self.document)))
        }
    }
}

@Suite struct ChartTests {
    @Test func numbersHaveOneDecimalPlace() {
        #expect(Chart.f(0) == "0.0" && Chart.f(12.34) == "12.3" && Chart.f(12.36) == "12.4")
        #expect(Chart.f(-0.26) == "-0.3" && Chart.f(720) == "720.0" && Chart.f(0.04) == "0.0")
    }
}
