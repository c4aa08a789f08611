import APClient
import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import ServiceHarness
import TestDatabase
import Testing

/// Issue 17: the evidence pack for a recall request, through the API (JSON and the page to print), over the
/// night the clocks go forward; a tampered entry is named; reading it is audited and scoped.
@Suite struct EvidencePackTests {
    static func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }

    /// A resident at a premises of their own (the admin sees it; the harness's home accounts do not), with an
    /// extra curfew, an absence, an entry recorded late, one voided, an alert acknowledged and an incident.
    static func world(_ c: PGConnection) throws -> (resident: Resident, late: UUID, voided: UUID) {
        let f = Fixture(c: c)
        let (p, r, _, staff) = try f.arrivedResident(arrivedAt: at("2026-03-25T14:00:00Z"))
        _ = try ConditionStore.add(
            c, actor: staff, residentId: r.id,
            NewCondition(
                kind: .curfew, source: .licence, startsOn: LocalDate("2026-03-26")!, endsOn: LocalDate("2026-05-01")!,
                wording: "Curfew 21:00 to 07:00",
                curfew: CurfewDetails(
                    windows: [
                        CurfewWindow(start: LocalTime(hour: 21, minute: 0)!, end: LocalTime(hour: 7, minute: 0)!)!
                    ]
                )))
        _ = try ConditionStore.addAbsence(
            c, actor: staff, residentId: r.id,
            during: DateInterval(start: at("2026-03-27T20:00:00Z"), end: at("2026-03-28T10:00:00Z")),
            reason: "family visit", approvedBy: "A. Manager", role: "AP manager")
        _ = try MovementStore.record(
            c, actor: staff, premisesId: p.id,
            .init(residentId: r.id, kind: .out, destination: "<b>town</b>"), now: at("2026-03-28T22:00:00Z"))
        let late = try MovementStore.record(
            c, actor: staff, premisesId: p.id,
            .init(residentId: r.id, kind: .in, at: at("2026-03-29T00:30:00Z"), lateReason: "from the paper book"),
            now: at("2026-03-29T09:00:00Z"))
        let mistaken = try MovementStore.record(
            c, actor: staff, premisesId: p.id, .init(residentId: r.id, kind: .out), now: at("2026-03-29T20:00:00Z"))
        _ = try MovementStore.void(
            c, actor: staff, movementId: mistaken.id, reason: "wrong resident", now: at("2026-03-29T20:10:00Z"))
        _ = try MovementStore.record(
            c, actor: staff, premisesId: p.id, .init(residentId: r.id, kind: .out), now: at("2026-03-30T13:00:00Z"))
        _ = try MovementStore.record(
            c, actor: staff, premisesId: p.id, .init(residentId: r.id, kind: .in), now: at("2026-03-30T15:00:00Z"))
        let raised = try CurfewCheckStore.check(
            c, premisesId: p.id, night: LocalDate("2026-03-28")!, now: at("2026-03-30T12:00:00Z"))
        #expect(raised.raised.map(\.kind) == [.leftDuringCurfew])
        _ = try AlertStore.acknowledge(
            c, actor: staff, alertId: raised.raised[0].id, outcome: .returnedLate, note: "back at 00:30")
        _ = try IncidentStore.report(
            c, actor: staff, premisesId: p.id,
            IncidentDraft(
                occurredAt: at("2026-03-28T23:30:00Z"), category: .threats, severity: .medium,
                description: "Shouting at the door on return", residentIds: [r.id]),
            now: at("2026-03-29T00:40:00Z"))
        return (r, late.id, mistaken.id)
    }

    @Test func thePackHoldsTheNightsEntriesAlertsAndIncidents() async throws {
        try await Harness.with { h in
            let (r, late, voided) = try await h.db { try Self.world($0) }
            let path = "api/v1/residents/\(r.id)/evidence"
            let range = ["from": "2026-03-27", "to": "2026-03-31"]
            let pack: EvidencePack = try await h.admin.get(path, query: range)

            #expect(pack.nights.map(\.night.description) == ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"])
            // The absence covers the whole of the first night's curfew; the clocks go forward in the second.
            #expect(pack.nights[0].windows.isEmpty)
            #expect(pack.nights[1].clocksChange == "the clocks go forward (GMT to BST)")
            #expect(pack.nights[1].windows.map(\.local) == ["21:00 GMT to 07:00 BST"])
            #expect(pack.nights[2].clocksChange == nil && pack.nights[2].windows.map(\.local) == ["21:00 to 07:00"])

            let lateEntry = pack.entries.first { $0.id == late }
            #expect(lateEntry?.lateReason == "from the paper book" && lateEntry?.recordedBy == "Night Worker")
            let void = pack.entries.first { $0.voids == voided }
            #expect(
                pack.entries.first { $0.id == voided }?.voidedBy == void?.id && void?.voidReason == "wrong resident")
            #expect(pack.entries.allSatisfy { $0.chain == .verified } && pack.chainVerified)
            #expect(pack.alerts.map(\.kind) == [.leftDuringCurfew])
            #expect(pack.alerts.first?.acknowledgements.map(\.outcome) == [.returnedLate])
            #expect(pack.alerts.first?.evidenceEntries.first?.kind == .out)
            #expect(pack.incidents.map(\.draft.description) == ["Shouting at the door on return"])
            #expect(pack.conditions.map(\.kind).contains(.curfew) && pack.absences.count == 1)

            // The page to print: the same, said plainly, escaped, laid out for A4.
            let page = try await h.admin.send("GET", path, query: range.merging(["format": "html"]) { $1 })
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(page.status == 200 && page.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(html.contains("the clocks go forward (GMT to BST)"))
            #expect(html.contains("recorded late: from the paper book"))
            #expect(html.contains("until 1 May: last night 30 Apr"))
            #expect(html.contains("signed out to &lt;b&gt;town&lt;/b&gt;") && !html.contains("<b>town</b>"))
            #expect(html.contains("@page{size:A4"))
            #expect(html.contains("hash chain\nverifies"))

            // Both reads are in the audit trail, under the admin's name.
            let reads: [String] = try await h.db { c in
                try c.query(
                    """
                    SELECT actor FROM audit_log WHERE action = 'read' AND table_name = 'evidence_pack' AND row_id = $1
                    """,
                    [r.id.uuidString.lowercased()]
                ).map { try $0.decode("actor") }
            }
            #expect(reads.count == 2 && reads.allSatisfy { $0.hasPrefix("staff:") })
        }
    }

    /// An entry changed in the database after it was written is named, in the JSON and on the page.
    @Test func aTamperedEntryIsNamed() async throws {
        try await Harness.with { h in
            let (r, late, _) = try await h.db { try Self.world($0) }
            try await h.db { c in
                try c.query("ALTER TABLE movements DISABLE TRIGGER movements_append_only")
                try c.query("UPDATE movements SET at = at - interval '2 hours' WHERE id = $1", [late])
                try c.query("ALTER TABLE movements ENABLE TRIGGER movements_append_only")
            }
            let path = "api/v1/residents/\(r.id)/evidence"
            let range = ["from": "2026-03-27", "to": "2026-03-31"]
            let pack: EvidencePack = try await h.admin.get(path, query: range)
            #expect(!pack.chainVerified)
            #expect(pack.entries.filter { $0.chain != .verified }.map(\.id) == [late])
            #expect(pack.entries.first { $0.id == late }?.chain == .altered)
            let page = try await h.admin.send("GET", path, query: range.merging(["format": "html"]) { $1 })
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.contains("Warning: 1 of the entries below do not"))
            #expect(html.contains("ALTERED after it was recorded"))
        }
    }

    @Test func onlyThoseWhoMaySeeTheResidentReadIt() async throws {
        try await Harness.with { h in
            let (r, _, _) = try await h.db { try Self.world($0) }
            let path = "api/v1/residents/\(r.id)/evidence"
            let range = ["from": "2026-03-27", "to": "2026-03-31"]
            for client in [h.manager, h.otherManager, h.staff] {
                let refused = await problem { _ = try await client.get(path, query: range, as: EvidencePack.self) }
                #expect(refused?.status == 403)
            }
            let backwards = await problem {
                _ = try await h.admin.get(
                    path, query: ["from": "2026-03-31", "to": "2026-03-27"], as: EvidencePack.self)
            }
            #expect(backwards?.status == 422 && backwards?.field == "to")
            let missing = await problem {
                _ = try await h.admin.get(path, query: ["from": "2026-03-27"], as: EvidencePack.self)
            }
            #expect(missing?.status == 400 && missing?.field == "to")
            let long = await problem {
                _ = try await h.admin.get(
                    path, query: ["from": "2025-01-01", "to": "2026-03-27"], as: EvidencePack.self)
            }
            #expect(long?.status == 422 && long?.field == "to")
            let format = await problem {
                _ = try await h.admin.get(path, query: range.merging(["format": "pdf"]) { $1 }, as: EvidencePack.self)
            }
            #expect(format?.status == 400 && format?.field == "format")
            // Nothing read, nothing audited.
            let reads: Int = try await h.db { c in
                try c.query(
                    "SELECT count(*) AS n FROM audit_log WHERE table_name = 'evidence_pack' AND action = 'read'"
                )[0].decode("n")
            }
            #expect(reads == 0)
        }
    }

    /// The incidents a pack holds: each one naming the resident whose latest such version happened in the range,
    /// as that version; not another resident's, not one before the range, not one an edit moved out of it.
    @Test func theIncidentsAreTheLatestVersionsThatHappenedInTheRange() async throws {
        try await Harness.with { h in
            let r = try await h.db { c -> UUID in
                let f = Fixture(c: c)
                let (p, r, _, staff) = try f.arrivedResident(arrivedAt: Self.at("2026-03-01T14:00:00Z"))
                let other = try f.resident(at: p.id)
                func report(_ what: String, _ at: String, _ people: [UUID]) throws -> Incident {
                    try IncidentStore.report(
                        c, actor: staff, premisesId: p.id,
                        IncidentDraft(
                            occurredAt: Self.at(at), category: .threats, severity: .low, description: what,
                            residentIds: people),
                        now: Self.at("2026-03-31T09:00:00Z"))
                }
                func edit(_ i: Incident, _ what: String, _ at: String) throws {
                    var draft = i.draft
                    draft.description = what
                    draft.occurredAt = Self.at(at)
                    _ = try IncidentStore.edit(
                        c, actor: staff, incidentId: i.id, basedOn: i.version, draft,
                        now: Self.at("2026-03-31T10:00:00Z"))
                }
                try edit(
                    try report("in the range", "2026-03-28T20:00:00Z", [r.id]), "in the range, edited",
                    "2026-03-28T20:00:00Z")
                _ = try report("before the range", "2026-03-10T20:00:00Z", [r.id])
                _ = try report("someone else's", "2026-03-28T22:00:00Z", [other.id])
                try edit(try report("moved out", "2026-03-28T21:00:00Z", [r.id]), "moved out", "2026-03-10T21:00:00Z")
                try edit(try report("moved in", "2026-03-10T22:00:00Z", [r.id]), "moved in", "2026-03-29T22:00:00Z")
                return r.id
            }
            let pack: EvidencePack = try await h.admin.get(
                "api/v1/residents/\(r)/evidence", query: ["from": "2026-03-27", "to": "2026-03-31"])
            #expect(pack.incidents.map(\.draft.description) == ["in the range, edited", "moved in"])
            #expect(pack.incidents.map(\.version) == [2, 2])
        }
    }
}

// In the browser tests' suite, which runs one Chromium at a time.
extension WebTests {
    /// The page as Chromium prints it (Selenium): laid out on A4 by its own @page rule, the screen-only parts
    /// hidden, nothing wider than the paper, the tampered entry marked; and no axe-core violations on screen.
    @Test func theEvidencePackPrintsOnA4() async throws {
        try await Harness.with { h in
            let (r, late, _) = try await h.db { try EvidencePackTests.world($0) }
            try await h.db { c in
                try c.query("ALTER TABLE movements DISABLE TRIGGER movements_append_only")
                try c.query("UPDATE movements SET note = 'changed' WHERE id = $1", [late])
                try c.query("ALTER TABLE movements ENABLE TRIGGER movements_append_only")
            }
            let shots = Self.root.appendingPathComponent(".screenshots/evidence").path
            let result = try await Self.script(
                "evidence_print.py",
                [
                    h.url.absoluteString, h.tokens.admin, "/residents/\(r.id)/evidence?from=2026-03-27&to=2026-03-31",
                    shots,
                ])
            #expect(result["title"]?.string?.hasPrefix("Evidence pack: Sam Smith") == true, "\(result)")
            #expect(result["axeViolations"]?.array?.isEmpty == true, "\(result["axeViolations"] as Any)")
            #expect(result["hiddenInPrint"] == .bool(true))
            let scroll = Self.number(result["scrollWidth"])
            let client = Self.number(result["clientWidth"])
            #expect(scroll != nil && scroll == client, "nothing wider than the paper: \(result)")
            #expect(result["bodyFontSize"]?.string == "12.6667px")  // 9.5pt
            #expect(result["altered"]?.array == [.string("entry-\(late.uuidString.lowercased())")])
            #expect(result["pdfHeader"]?.string == "%PDF-")
            #expect((Self.number(result["pdfPages"]) ?? 0) >= 1)
            // A4 in points, as the page's own @page rule asks (Letter would be 612 x 792).
            #expect(result["pdfPageSize"] == .array([.number(595), .number(842)]), "\(result)")
            #expect(FileManager.default.fileExists(atPath: shots + "/evidence-pack-print.png"))
        }
    }
}
