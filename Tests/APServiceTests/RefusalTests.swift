import APClient
import APStore
import APWire
import Foundation
import PGDriver
import ServiceHarness
import Testing

/// For every route: no token, an expired token, a revoked token, a token of another premises and a
/// token of too small a role are all refused, every refusal is in the audit trail, and no token is
/// ever written to the logs.
@Suite struct RefusalTests {
    /// Routes the worker's account (the smallest role) may call.
    static let workerMay: Set<String> = [
        "GET /api/v1/me", "GET /api/v1/premises", "GET /api/v1/premises/{premisesId}",
        "GET /api/v1/premises/{premisesId}/beds", "GET /api/v1/beds/{bedId}/out-of-service", "POST /api/v1/alerts",
    ]

    @Test func everyRouteRefusesAndAuditsEveryRefusal() async throws {
        let logs = LogCapture()
        try await Harness.with(logs: logs) { h in
            let (expired, revoked) = try await h.db { c in
                let account: UUID = try c.query("SELECT id FROM accounts WHERE name = 'Demo Staff'")[0].decode("id")
                let old = try AccountStore.issueToken(
                    c, actor: .system, accountId: account, validFor: 86_400, now: Date().addingTimeInterval(-2 * 86_400)
                ).secret
                let gone = try AccountStore.issueToken(
                    c, actor: .system, accountId: account, validFor: 86_400, now: Date())
                try AccountStore.revoke(c, actor: .system, tokenId: gone.info.id, now: Date())
                return (old, gone.secret)
            }
            let refusedCount = {
                try await h.db { c in
                    try c.query("SELECT count(*) FROM audit_log WHERE action = 'refused'")[0].decode(0, as: Int.self)
                }
            }
            let before = try await refusedCount()
            let x = try await PremisesScopeTests.ids(h, at: h.home)
            var refused = 0
            var checked = 0
            for op in try ContractTests.operations().sorted() where op.contains(" /api/") {
                let method = String(op.split(separator: " ")[0])
                let request =
                    PremisesScopeTests.request(op, x) ?? (
                        String(op.split(separator: " ")[1].dropFirst()), method == "POST" ? [:] : nil
                    )
                let body = try request.body.map { try JSONSerialization.data(withJSONObject: $0) }
                for (who, token) in [("no token", nil), ("an expired token", expired), ("a revoked token", revoked)] {
                    let reply = try await h.client(token).send(method, request.path, body: body)
                    #expect(reply.status == 401, "\(op) with \(who): \(reply.status)")
                    refused += 1
                }
                if !Self.workerMay.contains(op) {
                    let reply = try await h.worker.send(method, request.path, body: body)
                    #expect(reply.status == 403, "\(op) for the worker account: \(reply.status)")
                    refused += 1
                }
                if PremisesScopeTests.request(op, x) != nil {
                    // The home premises' records, asked for by staff of another premises.
                    let reply = try await h.otherStaff.send(method, request.path, body: body)
                    #expect(reply.status == 403, "\(op) from another premises: \(reply.status)")
                    refused += 1
                }
                checked += 1
            }
            #expect(checked > 55)
            let audited = try await refusedCount() - before
            let failures = logs.text.split(separator: "\n").filter { $0.contains("audited") }.prefix(3)
            #expect(audited == refused, "every refusal is audited: \(audited) of \(refused); \(failures)")
            let byActor = try await h.db { c in
                try c.query("SELECT actor, count(*) AS n FROM audit_log WHERE action = 'refused' GROUP BY actor").map {
                    (try $0.decode("actor", as: String.self), try $0.decode("n", as: Int.self))
                }
            }
            #expect(
                byActor.contains { $0.0 == "anonymous" } && byActor.contains { $0.0 == "worker" }
                    && byActor.contains { $0.0.hasPrefix("staff:") })

            let text = logs.text
            #expect(!text.isEmpty)
            for token in [
                h.tokens.staff, h.tokens.manager, h.tokens.admin, h.tokens.worker, h.tokens.otherStaff, expired,
                revoked,
            ] {
                #expect(!text.contains(token) && !text.contains(String(token.dropFirst(3))), "a token was logged")
            }
        }
    }
}
