import APClient
import APDomain
import APStore
import APWire
import Civil
import Foundation
import ServiceHarness
import TestDatabase
import Testing

/// Issue 20, subject access: `ap-server subject-access CRN --out DIR` finds one person's rows in every table and
/// nobody else's (another resident named in the same incident is left out), writes them as JSON and as a page,
/// and records the request in the audit trail.
@Suite struct SubjectAccessTests {
    @Test func onePersonsRowsInEveryTableAndNobodyElses() async throws {
        try await Harness.with { h in
            let roll: Page<Presence> = try await h.staff.get(
                "api/v1/premises/\(h.home)/roll", query: ["limit": "500"])
            // The subject: the resident whose placement Harness.raiseAlert picks (the first arrived, by id).
            let (subjectPlacement, other): (UUID, Presence) = try await h.db { c in
                let first: UUID = try c.query(
                    "SELECT id FROM placements WHERE premises_id = $1 AND status = 'arrived' ORDER BY id LIMIT 1",
                    [h.home])[0].decode("id")
                return (first, roll.items.first { $0.placementId != first }!)
            }
            let subject = try #require(roll.items.first { $0.placementId == subjectPlacement })
            let alert = try await h.raiseAlert(at: h.home, daysAgo: 2)
            let _: Alert = try await h.staff.post(
                "api/v1/alerts/\(alert)/acknowledge", ["outcome": "returned_late", "note": "spoke to them"])
            let incident: Incident = try await h.staff.post(
                "api/v1/premises/\(h.home)/incidents",
                [
                    "occurredAt": ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3600)),
                    "category": "threats", "severity": "low", "description": "An argument in the lounge",
                    "residentIds": [subject.residentId.uuidString, other.residentId.uuidString],
                ])
            let _: Reported = try await h.staff.post(
                "api/v1/premises/\(h.home)/reports",
                ["residentId": subject.residentId.uuidString, "note": "reported at the desk"])
            let absence: AuthorisedAbsence = try await h.staff.post(
                "api/v1/residents/\(subject.residentId)/absences",
                [
                    "startsAt": ISO8601DateFormatter().string(from: Date().addingTimeInterval(-7200)),
                    "endsAt": ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3600)),
                    "reason": "hospital appointment", "approvedByName": "A Manager", "approvedByRole": "manager",
                ])
            let _: ResidentRecord = try await h.manager.get("api/v1/residents/\(subject.residentId)")

            let out = FileManager.default.temporaryDirectory.appendingPathComponent("sar-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: out) }
            let database = TestDatabase.url(database: h.config.database!)
            let ran = try await TestDatabase.onThread {
                try TestDatabase.run(
                    "ap-server", ["subject-access", subject.crn, "--out", out.path, "--by", "Test DPO"],
                    environment: ["DATABASE_URL": database])
            }
            #expect(ran.status == 0, "\(ran)")
            let jsonText = try String(
                contentsOf: out.appendingPathComponent("subject-access-\(subject.crn).json"), encoding: .utf8)
            let found = try APIJSON.decoder.decode(SubjectAccess.self, from: Data(jsonText.utf8))

            // Their rows, from every table.
            #expect(found.resident.crn.value == subject.crn)
            #expect(found.placements.contains { $0.id == subjectPlacement })
            #expect(found.premises.map(\.id).contains(h.home))
            #expect(!found.conditions.isEmpty)
            #expect(!found.history.entries.isEmpty)
            #expect(found.history.reports.contains { $0.note == "reported at the desk" })
            #expect(found.history.absences.contains { $0.id == absence.id })
            let theAlert = try #require(found.history.alerts.first { $0.id == alert })
            #expect(theAlert.acknowledgements.map(\.note) == ["spoke to them"])
            let theIncident = try #require(found.history.incidents.first { $0.id == incident.id })
            #expect(theIncident.draft.residentIds == [subject.residentId])
            #expect(found.reads.contains { $0.by == "Demo Manager" && $0.what == "residents" })
            #expect(found.reads.contains { $0.by == "operator:Test DPO" && $0.what == "subject_access" })

            // Nobody else's: the other resident named in the same incident appears nowhere in either file.
            let page = try String(
                contentsOf: out.appendingPathComponent("subject-access-\(subject.crn).html"), encoding: .utf8)
            for text in [jsonText, page] {
                #expect(!text.contains(other.crn) && !text.contains(other.name))
                #expect(!text.lowercased().contains(other.residentId.uuidString.lowercased()))
            }
            #expect(page.contains(subject.name) && page.contains("Who has read their record"))
            #expect(page.contains("Test DPO") && page.contains("hospital appointment"))

            // Nobody with that CRN: exit 2, and the CRN is not echoed into the error.
            let nobody = try await TestDatabase.onThread {
                try TestDatabase.run(
                    "ap-server", ["subject-access", "Q999999", "--out", out.path, "--by", "Test DPO"],
                    environment: ["DATABASE_URL": database])
            }
            #expect(nobody.status == 2 && nobody.err.contains("nobody has that CRN") && !nobody.err.contains("Q999999"))
        }
    }
}
