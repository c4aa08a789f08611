import APDomain
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

@testable import APStore

@Suite struct SHA256Tests {
    @Test func publishedVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// Against PostgreSQL's own sha256, for lengths around every padding boundary and non-ASCII text.
    @Test func agreesWithPostgreSQL() async throws {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var inputs: [String] = []
        for n in 0..<130 {
            var s = ""
            for i in 0..<n { s.append(letters[(i * 7 + n) % 26]) }
            inputs.append(s)
        }
        inputs.append("Zoë Ó'Brien 日本 🛏️")
        let sent = inputs
        let theirs: [String] = try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                try c.query(
                    "SELECT encode(sha256(convert_to(s, 'UTF8')), 'hex') AS h FROM unnest($1::text[]) WITH "
                        + "ORDINALITY AS x(s, i) ORDER BY i",
                    [sent]
                )
                .map { try $0.decode("h") }
            }
        }
        #expect(inputs.map(SHA256.hex) == theirs)
    }

    /// HMAC-SHA256 against RFC 4231's second case and pgcrypto's hmac, for keys shorter and longer than
    /// a block and messages of every padding length.
    @Test func hmacAgreesWithTheRFCAndPostgreSQL() async throws {
        #expect(
            SHA256.hmacHex(key: "Jefe", "what do ya want for nothing?")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let pairs = (0..<140).map { n in
            (String(repeating: "k", count: n), String(repeating: "é", count: n / 2) + String(n))
        }
        let keys = pairs.map(\.0)
        let messages = pairs.map(\.1)
        let theirs: [String] = try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                try c.query(
                    """
                    SELECT encode(hmac(m, k, 'sha256'), 'hex') AS h FROM unnest($1::text[], $2::text[]) WITH ORDINALITY
                        AS x(k, m, i)
                    ORDER BY i
                    """, [keys, messages]
                ).map { try $0.decode("h") }
            }
        }
        #expect(pairs.map { SHA256.hmacHex(key: $0.0, $0.1) } == theirs)
    }
}

@Suite struct AccountTests {
    let now = try! Date("2026-11-24T12:00:00Z", strategy: .iso8601)

    @Test func tokensAreShownOnceKeptAsHashesAndRefusedWhenTheyShouldBe() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let (p, _) = try Fixture(c: c).premises()
                let staff = try PremisesStore.addStaff(c, name: "Ravi", role: .staff, premisesIds: [p.id])
                let account = try AccountStore.create(c, actor: .system, staffId: staff.id, name: "Ravi", role: .staff)
                let (secret, info) = try AccountStore.issueToken(
                    c, actor: .system, accountId: account.id, validFor: 86_400, now: now)
                #expect(secret.hasPrefix("ap_") && secret.count == 67 && info.prefix == String(secret.prefix(9)))

                // Only the hash is kept: no column of any row holds the secret.
                let found: Int = try c.query(
                    "SELECT count(*) AS n FROM api_tokens t WHERE to_jsonb(t)::text LIKE '%' || $1 || '%'",
                    [String(secret.dropFirst(9))])[0].decode("n")
                #expect(found == 0)
                let auditHit: Int = try c.query(
                    "SELECT count(*) AS n FROM audit_log a WHERE to_jsonb(a)::text LIKE '%' || $1 || '%'",
                    [String(secret.dropFirst(9))])[0].decode("n")
                #expect(auditHit == 0)

                guard case .success(let principal) = try AccountStore.authenticate(c, token: secret, now: now) else {
                    Issue.record("refused")
                    return
                }
                #expect(
                    principal.account == account && principal.premisesIds == [p.id] && principal.maySee(premises: p.id)
                        && !principal.maySee(premises: UUID()))
                var expected = Actor.staff(staff.id, origin: "api")
                expected.premises = [p.id]  // row-level security limits them to their premises
                #expect(principal.actor == expected)

                #expect(
                    try AccountStore.authenticate(c, token: "ap_" + String(repeating: "0", count: 64), now: now)
                        == .failure(.unknown))
                #expect(try AccountStore.authenticate(c, token: "Bearer nonsense", now: now) == .failure(.unknown))
                #expect(
                    try AccountStore.authenticate(c, token: secret, now: now.addingTimeInterval(86_401))
                        == .failure(.expired))
                try AccountStore.revoke(c, actor: .system, tokenId: info.id, now: now)
                #expect(try AccountStore.authenticate(c, token: secret, now: now) == .failure(.revoked))
                #expect(try AccountStore.tokens(c, accountId: account.id).map(\.revokedAt) == [now])

                let (second, _) = try AccountStore.issueToken(
                    c, actor: .system, accountId: account.id, validFor: 3600, now: now)
                try c.query("UPDATE accounts SET disabled_at = now() WHERE id = $1", [account.id])
                #expect(try AccountStore.authenticate(c, token: second, now: now) == .failure(.disabled))
                #expect(
                    storeError {
                        _ = try AccountStore.issueToken(c, actor: .system, accountId: account.id, validFor: 0, now: now)
                    }?.code == "token-lifetime")
            }
        }
    }

    @Test func workerAndAdminAccountsSeeEveryPremises() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let worker = try AccountStore.create(
                    c, actor: .system, staffId: nil, name: "curfew worker", role: .worker)
                let (secret, _) = try AccountStore.issueToken(
                    c, actor: .system, accountId: worker.id, validFor: 3600, now: now)
                guard case .success(let principal) = try AccountStore.authenticate(c, token: secret, now: now) else {
                    Issue.record("refused")
                    return
                }
                #expect(
                    principal.premisesIds == nil && principal.maySee(premises: UUID())
                        && principal.actor == .worker(origin: "api"))
                #expect(
                    storeError {
                        _ = try AccountStore.create(c, actor: .system, staffId: nil, name: "x", role: .staff)
                    }?.code == "account-kind")

                let (admin, adminSecret) = try AccountStore.bootstrapAdmin(c, name: "Priya", validFor: 3600, now: now)
                #expect(admin.role == .admin)
                guard case .success(let adminPrincipal) = try AccountStore.authenticate(c, token: adminSecret, now: now)
                else {
                    Issue.record("refused")
                    return
                }
                #expect(adminPrincipal.premisesIds == nil)
                #expect(
                    storeError { _ = try AccountStore.bootstrapAdmin(c, name: "Again", validFor: 3600, now: now) }?.code
                        == "admin-exists")
            }
        }
    }
}
