import APClient
import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import ServiceHarness
import Testing

/// Each resource through the HTTP layer: what works, and how each refusal looks.
@Suite struct ResourceRouteTests {
    static func today() -> LocalDate { Zone.local(Date(), in: TimeZone(identifier: "Europe/London")!).date }

    @Test func residentsPlacementsAndBeds() async throws {
        try await Harness.with { h in
            let crn = "Z\(Int.random(in: 100_000...999_999))"
            let body: [String: Any] = [
                "crn": crn, "givenName": "Test", "familyName": "Person", "dateOfBirth": "1990-05-01", "gender": "male",
                "rosh": "medium", "practitioner": ["name": "P Officer", "phone": "", "email": ""],
            ]
            let resident: Resident = try await h.manager.post("api/v1/residents", body)
            #expect(resident.crn.description == crn)
            let taken = await problem { _ = try await h.manager.post("api/v1/residents", body, as: Resident.self) }
            #expect(taken?.status == 409 && taken?.code == "crn-taken" && taken?.field == "crn")
            let badCRN = await problem {
                _ = try await h.manager.post("api/v1/residents", body.merging(["crn": "123"]) { $1 }, as: Resident.self)
            }
            #expect(badCRN?.status == 422 && badCRN?.field == "crn")
            let staffMay = await problem { _ = try await h.staff.post("api/v1/residents", body, as: Resident.self) }
            #expect(staffMay?.status == 403 && staffMay?.code == "role-not-allowed")
            // What a client may leave out takes its default: a condition's wording, a resident's contingency plan.
            let bare: LicenceCondition = try await h.manager.post(
                "api/v1/residents/\(resident.id)/conditions",
                ["kind": "no_offence", "source": "licence", "startsOn": "\(Self.today())"])
            #expect(bare.wording == "" && resident.contingencyPlan == "")
            // A correction changes the details and never the CRN.
            let corrected: Resident = try await h.manager.call(
                "PUT", "api/v1/residents/\(resident.id)",
                json: body.merging(["givenName": "Tess", "crn": "A000000"]) { $1 })
            #expect(corrected.givenName == "Tess" && corrected.crn.description == crn)

            // Book from today for a week, find a free bed, allocate it; the same bed cannot go twice.
            let from = Self.today()
            let to = from.adding(days: 7)
            let placement: Placement = try await h.manager.post(
                "api/v1/placements",
                [
                    "residentId": resident.id.uuidString, "premisesId": h.home.uuidString, "expectedArrival": "\(from)",
                    "expectedDeparture": "\(to)",
                ])
            #expect(placement.status == .upcoming)
            let backwards = await problem {
                _ = try await h.manager.post(
                    "api/v1/placements",
                    [
                        "residentId": resident.id.uuidString, "premisesId": h.home.uuidString,
                        "expectedArrival": "\(to)", "expectedDeparture": "\(from)",
                    ], as: Placement.self)
            }
            #expect(backwards?.status == 422 && backwards?.field == "expectedDeparture")
            let free: Page<Bed> = try await h.manager.get(
                "api/v1/premises/\(h.home)/free-beds", query: ["from": "\(from)", "to": "\(to)"])
            let bed = try #require(free.items.first)
            let allocation: BedAllocation = try await h.manager.post(
                "api/v1/placements/\(placement.id)/bed-allocations",
                ["bedId": bed.id.uuidString, "from": "\(from)", "to": "\(to)"])
            #expect(allocation.bedId == bed.id && allocation.nights.count == 7)
            let stillFree: Page<Bed> = try await h.manager.get(
                "api/v1/premises/\(h.home)/free-beds", query: ["from": "\(from)", "to": "\(to)"])
            #expect(!stillFree.items.contains { $0.id == bed.id })
            let second: Resident = try await h.manager.post(
                "api/v1/residents", body.merging(["crn": "Y\(crn.dropFirst())"]) { $1 })
            let rival: Placement = try await h.manager.post(
                "api/v1/placements",
                [
                    "residentId": second.id.uuidString, "premisesId": h.home.uuidString, "expectedArrival": "\(from)",
                    "expectedDeparture": "\(to)",
                ])
            let clash = await problem {
                _ = try await h.manager.post(
                    "api/v1/placements/\(rival.id)/bed-allocations",
                    ["bedId": bed.id.uuidString, "from": "\(from.adding(days: 2))", "to": "\(to)"],
                    as: BedAllocation.self)
            }
            #expect(clash?.status == 409 && clash?.code == "bed-already-allocated" && clash?.field == "bedId")
            let arrived: Placement = try await h.staff.post("api/v1/placements/\(placement.id)/arrive", [:])
            #expect(arrived.status == .arrived)
            let cancel = await problem {
                _ = try await h.manager.post(
                    "api/v1/placements/\(placement.id)/cancel", ["reason": "error"], as: Placement.self)
            }
            #expect(cancel?.status == 409 && cancel?.code == "placement-transition")
            let missing = await problem { _ = try await h.staff.get("api/v1/placements/\(UUID())", as: Placement.self) }
            #expect(missing?.status == 404 && missing?.code == "placement-not-found")
            let list: Page<Placement> = try await h.staff.get(
                "api/v1/premises/\(h.home)/placements", query: ["status": "arrived", "limit": "500"])
            #expect(list.items.contains { $0.id == placement.id } && list.items.allSatisfy { $0.status == .arrived })
            let badStatus = try await h.staff.send(
                "GET", "api/v1/premises/\(h.home)/placements", query: ["status": "gone"])
            #expect(badStatus.status == 400)
        }
    }

    @Test func readingARecordIsAudited() async throws {
        try await Harness.with { h in
            let resident = try await h.residentIn(at: h.home).residentId
            let record: ResidentRecord = try await h.staff.get("api/v1/residents/\(resident)")
            #expect(record.resident.id == resident && !record.conditions.isEmpty && !record.placements.isEmpty)
            let me: JSONValue = try await h.staff.get("api/v1/me")
            let staffId = try #require(me["account"]?["staffId"]?.string).lowercased()
            let reads = try await h.db { c in
                try AuditStore.entries(c, table: "residents", rowId: resident).filter { $0.action == "read" }
            }
            #expect(reads.map(\.actor) == ["staff:\(staffId)"])
            #expect(reads.first?.origin == "api")
            // A refused read is not a read.
            #expect(try await h.otherStaff.send("GET", "api/v1/residents/\(resident)").status == 403)
            let after = try await h.db { c in
                try AuditStore.entries(c, table: "residents", rowId: resident).filter { $0.action == "read" }
            }
            #expect(after.count == 1)
        }
    }

    @Test func incidentsAreVersionedAndEditsDoNotCollideSilently() async throws {
        try await Harness.with { h in
            let draft: [String: Any] = [
                "occurredAt": APIJSON.format(Date().addingTimeInterval(-600)), "category": "threats",
                "severity": "medium", "description": "Raised voices in the kitchen",
            ]
            let incident: Incident = try await h.staff.post("api/v1/premises/\(h.home)/incidents", draft)
            #expect(incident.version == 1 && incident.status == .open)
            let edited: Incident = try await h.manager.post(
                "api/v1/incidents/\(incident.id)/versions",
                ["basedOn": 1, "status": "under_review", "draft": draft.merging(["severity": "high"]) { $1 }])
            #expect(edited.version == 2 && edited.draft.severity == .high && edited.status == .underReview)
            let stale = await problem {
                _ = try await h.staff.post(
                    "api/v1/incidents/\(incident.id)/versions", ["basedOn": 1, "draft": draft], as: Incident.self)
            }
            #expect(stale?.status == 409 && stale?.code == "edited-meanwhile" && stale?.field == "version")
            let versions: Page<Incident> = try await h.staff.get("api/v1/incidents/\(incident.id)/versions")
            #expect(versions.items.map(\.version) == [1, 2])
            let future = await problem {
                _ = try await h.staff.post(
                    "api/v1/premises/\(h.home)/incidents",
                    draft.merging(["occurredAt": "2099-01-01T00:00:00Z"]) { $1 }, as: Incident.self)
            }
            #expect(future?.status == 422 && future?.field == "occurredAt")
            let list: Page<Incident> = try await h.staff.get("api/v1/premises/\(h.home)/incidents")
            #expect(list.items.contains { $0.id == incident.id && $0.version == 2 })
        }
    }

    @Test func alertsAreListedAcknowledgedAndRaisedOnlyByTheWorker() async throws {
        try await Harness.with { h in
            let open: Page<Alert> = try await h.staff.get(
                "api/v1/premises/\(h.home)/alerts",
                query: ["open": "true", "since": "\(Self.today().adding(days: -30))"])
            let placement = try await h.residentIn(at: h.home).placementId
            let night = Self.today().adding(days: -1)
            let raised: Alert = try await h.worker.post(
                "api/v1/alerts", ["placementId": placement.uuidString, "night": "\(night)", "kind": "missed_reporting"])
            #expect(raised.placementId == placement && raised.kind == .missedReporting)
            let twice = await problem {
                _ = try await h.worker.post(
                    "api/v1/alerts",
                    ["placementId": placement.uuidString, "night": "\(night)", "kind": "missed_reporting"],
                    as: Alert.self)
            }
            #expect(twice?.status == 409 && twice?.code == "alert-already-raised")
            let staffRaise = await problem {
                _ = try await h.staff.post(
                    "api/v1/alerts", ["placementId": placement.uuidString, "night": "\(night)", "kind": "late_return"],
                    as: Alert.self)
            }
            #expect(staffRaise?.status == 403)
            let workerReads = try await h.worker.send("GET", "api/v1/premises/\(h.home)/roll")
            #expect(workerReads.status == 403, "the worker account only raises alerts")
            let acknowledged: Alert = try await h.staff.post(
                "api/v1/alerts/\(raised.id)/acknowledge", ["outcome": "recording_error", "note": "was in the office"])
            #expect(acknowledged.acknowledgements.map(\.outcome) == [.recordingError])
            let after: Page<Alert> = try await h.staff.get(
                "api/v1/premises/\(h.home)/alerts",
                query: ["open": "true", "since": "\(Self.today().adding(days: -30))"])
            #expect(after.items.count == open.items.count + 1)
            let badFlag = try await h.staff.send("GET", "api/v1/premises/\(h.home)/alerts", query: ["open": "maybe"])
            #expect(badFlag.status == 400)
        }
    }

    @Test func occupancyIsForManagersAndPaged() async throws {
        try await Harness.with { h in
            let from = Self.today().adding(days: -10)
            let to = from.adding(days: 30)
            let page: Page<OccupancyNight> = try await h.manager.get(
                "api/v1/premises/\(h.home)/occupancy", query: ["from": "\(from)", "to": "\(to)", "limit": "20"])
            #expect(page.items.count == 20 && page.items.first?.night == from && page.nextCursor != nil)
            let rest: Page<OccupancyNight> = try await h.manager.get(
                "api/v1/premises/\(h.home)/occupancy",
                query: ["from": "\(from)", "to": "\(to)", "limit": "20", "cursor": page.nextCursor!])
            #expect(rest.items.count == 10 && rest.nextCursor == nil && rest.items.last?.night == to.adding(days: -1))
            #expect(page.items.allSatisfy { $0.beds == 20 && $0.occupied <= $0.beds + 5 })
            let staff = await problem {
                _ = try await h.staff.get("api/v1/premises/\(h.home)/occupancy", as: Page<OccupancyNight>.self)
            }
            #expect(staff?.status == 403 && staff?.code == "role-not-allowed")
            let backwards = await problem {
                _ = try await h.manager.get(
                    "api/v1/premises/\(h.home)/occupancy", query: ["from": "\(to)", "to": "\(from)"],
                    as: Page<OccupancyNight>.self)
            }
            #expect(backwards?.status == 422 && backwards?.field == "to")
            let badDate = await problem {
                _ = try await h.manager.get(
                    "api/v1/premises/\(h.home)/occupancy", query: ["from": "31/12/2026"], as: Page<OccupancyNight>.self)
            }
            #expect(badDate?.status == 400 && badDate?.field == "from")
            let badCursor = try await h.manager.send(
                "GET", "api/v1/premises/\(h.home)/occupancy", query: ["cursor": "zzz"])
            #expect(badCursor.status == 400)
        }
    }

    @Test func occupancyReportsAsJSONAndCSV() async throws {
        try await Harness.with { h in
            let from = Self.today().adding(days: -14)
            let to = Self.today()
            let report: JSONValue = try await h.manager.get(
                "api/v1/premises/\(h.home)/occupancy-report", query: ["from": "\(from)", "to": "\(to)"])
            #expect(report["daily"]?.array?.count == 14 && report["code"]?.string == "AP-001")
            let csv = try await h.manager.send(
                "GET", "api/v1/premises/\(h.home)/occupancy-report",
                query: ["from": "\(from)", "to": "\(to)", "format": "csv"])
            let lines = String(decoding: csv.body, as: UTF8.self).split(separator: "\r\n")
            #expect(csv.status == 200 && csv.header("Content-Type")?.hasPrefix("text/csv") == true)
            #expect(
                lines.count == 15
                    && lines[0].hasPrefix("night,beds,out_of_service,out_of_service_planned_refurbishment,"))
            #expect(lines[1].hasPrefix("\(from),20,"))
            let totals = try await h.manager.send(
                "GET", "api/v1/occupancy-report", query: ["from": "\(from)", "to": "\(to)", "format": "csv"],
                headers: [:])
            let rows = String(decoding: totals.body, as: UTF8.self).split(separator: "\r\n")
            #expect(rows.count == 2 && rows[1].hasPrefix("AP-001,"), "a manager's summary has their premises only")
            let staff = try await h.staff.send("GET", "api/v1/premises/\(h.home)/occupancy-report")
            #expect(staff.status == 403)
            let forecast: JSONValue = try await h.manager.get("api/v1/premises/\(h.home)/forecast")
            #expect(forecast["nights"]?.array?.count == 28)
            let badTable = try await h.manager.send(
                "GET", "api/v1/premises/\(h.home)/occupancy-report", query: ["format": "csv", "table": "x"])
            #expect(badTable.status == 400)
        }
    }

    @Test func accountsAndTokensAreForAdminsAndRevocable() async throws {
        try await Harness.with { h in
            let staff: StaffMember = try await h.admin.post(
                "api/v1/staff", ["name": "New Starter", "role": "staff", "premisesIds": [h.home.uuidString]])
            let account: Account = try await h.admin.post(
                "api/v1/accounts", ["staffId": staff.id.uuidString, "name": "New Starter", "role": "staff"])
            let twice = await problem {
                _ = try await h.admin.post(
                    "api/v1/accounts", ["staffId": staff.id.uuidString, "name": "New Starter", "role": "staff"],
                    as: Account.self)
            }
            #expect(twice?.status == 409 && twice?.code == "staff-has-account", "found by scripts/fuzz: this was a 500")
            let repeated = await problem {
                _ = try await h.admin.post(
                    "api/v1/staff",
                    ["name": "X", "role": "staff", "premisesIds": [h.home.uuidString, h.home.uuidString]],
                    as: StaffMember.self)
            }
            #expect(repeated?.status == 422 && repeated?.field == "premisesIds")
            let issued: JSONValue = try await h.admin.post("api/v1/accounts/\(account.id)/tokens", ["days": 1])
            let token = try #require(issued["token"]?.string)
            let me: JSONValue = try await h.client(token).get("api/v1/me")
            #expect(me["account"]?["name"]?.string == "New Starter")
            let tokens: Page<TokenInfo> = try await h.admin.get("api/v1/accounts/\(account.id)/tokens")
            #expect(tokens.items.count == 1 && token.hasPrefix(tokens.items[0].prefix))
            let listed = String(
                decoding: try await h.admin.send("GET", "api/v1/accounts/\(account.id)/tokens").body, as: UTF8.self)
            #expect(!listed.contains(token), "a token's secret is shown once only")
            try await h.admin.perform("POST", "api/v1/tokens/\(tokens.items[0].id)/revoke", body: [String: String]())
            let revoked = await problem { _ = try await h.client(token).get("api/v1/me", as: JSONValue.self) }
            #expect(revoked?.status == 401 && revoked?.code == "token-revoked")
            let notAdmin = await problem {
                _ = try await h.manager.post(
                    "api/v1/staff", ["name": "X", "role": "admin", "premisesIds": []], as: StaffMember.self)
            }
            #expect(notAdmin?.status == 403)
            let tooLong = await problem {
                _ = try await h.admin.post("api/v1/accounts/\(account.id)/tokens", ["days": 1000], as: JSONValue.self)
            }
            #expect(tooLong?.status == 422 && tooLong?.field == "days")
        }
    }

    @Test func healthReadinessAndMetrics() async throws {
        try await Harness.with { h in
            #expect(try await h.anonymous.send("GET", "healthz").status == 200)
            let ready = try await h.anonymous.send("GET", "readyz")
            #expect(ready.status == 200)
            _ = try await h.staff.send("GET", "api/v1/me")
            let metrics = String(decoding: try await h.anonymous.send("GET", "metrics").body, as: UTF8.self)
            #expect(metrics.contains("hb_requests") || metrics.contains("http_server_request_duration"))
            let unknown = try await h.staff.send("GET", "api/v1/nothing-here")
            #expect(unknown.status == 404)
            #expect(unknown.header("X-Request-Id") != nil)
        }
    }
}
