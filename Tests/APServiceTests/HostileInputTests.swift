import APClient
import APStore
import APWire
import Foundation
import ServiceHarness
import Testing

@testable import APService

/// What an attacker or a careless client sends: injection strings, very long and control-character
/// text, broken JSON and UTF-8, huge bodies, the wrong content type. Each gets a clear 4xx and
/// nothing is stored.
@Suite struct HostileInputTests {
    @Test func hostileBodiesAreRefusedAndNothingIsStored() async throws {
        try await Harness.with { h in
            let someone = try await h.residentIn(at: h.home)
            let (resident, placement) = (someone.residentId, someone.placementId)
            let path = "api/v1/premises/\(h.home)/movements"
            let count = {
                try await h.db { c in try c.query("SELECT count(*) FROM movements")[0].decode(0, as: Int.self) }
            }
            let before = try await count()
            func raw(_ body: Data, contentType: String? = "application/json") async throws -> APIClient.Reply {
                try await h.staff.send(
                    "POST", path, body: body, headers: contentType.map { ["Content-Type": $0] } ?? [:])
            }
            let valid = "{\"residentId\":\"\(resident)\",\"kind\":\"out\",\"destination\":\"%@\"}"
            let cases: [(String, APIClient.Reply, Int)] = [
                (
                    "a 10,000-character destination",
                    try await h.staff.postRaw(
                        path,
                        [
                            "residentId": resident.uuidString, "kind": "out",
                            "destination": String(repeating: "x", count: 10_000),
                        ]), 422
                ),
                ("NUL in text", try await raw(Data(String(format: valid, "a\\u0000b").utf8)), 422),
                ("an escape sequence in text", try await raw(Data(String(format: valid, "\\u001b[2J").utf8)), 422),
                ("a raw control byte", try await raw(Data(String(format: valid, "a\u{07}b").utf8)), 400),
                (
                    "invalid UTF-8",
                    try await raw(Data(String(format: valid, "x").utf8.dropLast(3)) + Data([0xff, 0xfe, 0x22, 0x7d])),
                    400
                ),
                ("not JSON at all", try await raw(Data("residentId=1&kind=out".utf8)), 400),
                (
                    "JSON sent as text/plain",
                    try await raw(Data(String(format: valid, "x").utf8), contentType: "text/plain"), 415
                ),
                (
                    "a 2 MiB body",
                    try await raw(Data(String(format: valid, String(repeating: "y", count: 2 << 20)).utf8)), 413
                ),
                ("an array instead of an object", try await raw(Data("[1,2,3]".utf8)), 422),
                (
                    "a number too large",
                    try await h.staff.postRaw("api/v1/incidents/\(UUID())/versions", ["basedOn": 1e300, "draft": [:]]),
                    400
                ),
            ]
            for (what, reply, status) in cases {
                #expect(
                    reply.status == status,
                    "\(what): \(reply.status) \(String(decoding: reply.body.prefix(200), as: UTF8.self))")
                #expect(reply.header("Content-Type") == "application/problem+json", "\(what)")
            }
            #expect(try await count() == before, "a refused body stored something")

            // An injection string is only text: stored and given back exactly, the table intact.
            let sly = "'); DROP TABLE movements; -- \" OR 1=1 <script>alert(1)</script> ${jndi:ldap://x}"
            let m: Movement = try await h.staff.post(
                path, ["residentId": resident.uuidString, "kind": "out", "destination": sly])
            #expect(m.destination == sly)
            let history: Page<Movement> = try await h.staff.get(
                "api/v1/placements/\(placement)/movements", query: ["limit": "500"])
            #expect(history.items.last?.destination == sly)
            #expect(try await count() == before + 1)
            let search = try await h.staff.send("GET", "api/v1/residents", query: ["crn": "X' OR '1'='1"])
            #expect(search.status == 400)
        }
    }

    @Test func theControlCharacterScanReadsEscapesCorrectly() {
        let scan = { (s: String) in JSONText.controlCharacter(in: Array(s.utf8)) }
        #expect(scan(#"{"a":"tab\there\nnew line"}"#) == nil)
        #expect(scan(#"{"a":"\u0009\u000a\u000D"}"#) == nil)
        #expect(scan(#"{"a":"\u001b"}"#) != nil && scan(#"{"a":"\u0000"}"#) != nil && scan(#"{"a":"\u007F"}"#) != nil)
        #expect(scan(#"{"a":"a backslash then u001b: \\u001b"}"#) == nil, "an escaped backslash is not an escape")
        #expect(scan(#"{"a":"\u00e9 is fine"}"#) == nil)
    }
}
