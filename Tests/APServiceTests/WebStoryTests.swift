import APClient
import APDomain
import APStore
import APWire
import Civil
import Foundation
import ServiceHarness
import TestDatabase
import Testing

extension WebTests {
    /// Issue 18: a manager's and a shift's day end to end in the browser (Tests/Browser/story.py), the curfew check
    /// run between its two parts as the worker runs it; then the API shows exactly what was done, and every page
    /// passed axe-core at desktop and phone widths.
    @Test func aManagersAndAShiftsDay() async throws {
        try await Harness.with { h in
            let london = TimeZone(identifier: "Europe/London")!
            // A night that is over whatever the hour the test runs at: its curfew ended yesterday morning.
            let night = Zone.local(Date(), in: london).date.adding(days: -2)
            let password = "the story's own password"
            let code: String = try await h.db { c in
                for (name, username) in [("Demo Staff", "demo.staff"), ("Demo Manager", "demo.manager")] {
                    let account: UUID = try c.query("SELECT id FROM accounts WHERE name = $1", [name])[0].decode("id")
                    try PasswordStore.set(
                        c, actor: .system, accountId: account, username: username, password: password,
                        mustChange: false, now: Date())
                }
                // The demo's beds are all taken on nights past; the premises opened a room since.
                let room = try PremisesStore.addRoom(c, premisesId: h.home, code: "R99", characteristics: [.stepFree])
                _ = try PremisesStore.addBed(c, roomId: room.id, code: "99A", openedOn: night.adding(days: -7))
                return try c.query("SELECT code FROM premises WHERE id = $1", [h.home])[0].decode("code")
            }
            let crn = "S" + String(Int.random(in: 100_000...999_999))
            let shots = Self.root.appendingPathComponent(".screenshots/story").path
            let args = { (part: String) in
                [part, h.url.absoluteString, code, password, password, crn, "\(night)", shots]
            }

            let booked = try await Self.script("story.py", args("book"))
            #expect(
                booked["managerNav"]
                    == .array(
                        [
                            "All premises", "Summary", "Who is in", "Handover", "Incidents", "Placements", "Beds",
                            "Occupancy report", "Staff sign-ins",
                        ].map { .string($0) }), "\(booked)")
            // A date of birth that is no date is said before anything else is asked for.
            #expect(
                booked["residentRefused"]?["links"] == .array([.string("dateOfBirth")])
                    && booked["residentRefused"]?["summary"]
                        == .array([.string("Enter the date of birth as a date, like 1/12/2026")]),
                "\(booked)")
            #expect(booked["keptCrn"] == .string(crn))
            #expect(booked["residentAdded"]?.string?.hasPrefix("Robin Story added") == true, "\(booked)")
            #expect(booked["detailsChanged"]?.string?.hasPrefix("Details changed") == true, "\(booked)")
            #expect(booked["conditionAdded"] == .string("Condition added"))
            #expect(booked["conditionShown"]?.string?.contains("Curfew 21:00 to 07:00, every night") == true)
            #expect(booked["varyKeepsWindow"] == .string("21:00"))
            #expect(booked["bookingCrn"] == .string(crn))
            #expect(
                booked["bookingRefused"]?["links"] == .array([.string("expectedDeparture")])
                    && booked["bookingRefused"]?["summary"]
                        == .array([.string("The expected departure must be after the expected arrival")]),
                "\(booked)")
            #expect(
                booked["bedAllocated"] == .string("Bed allocated") && booked["arrived"] == .string("Arrival recorded"))
            #expect(booked["facts"]?.string?.contains("Status\nArrived") == true, "\(booked)")
            #expect(booked["late-out"]?.string?.contains("signed out") == true, "\(booked)")
            #expect(booked["late-in"]?.string?.contains("signed in") == true, "\(booked)")
            #expect(booked["arrivalsDue"]?.array?.first?.string?.contains("Robin Story (\(crn))") == true, "\(booked)")

            // The worker's check of that night raises the late return the shift then sees.
            let raised = try await h.db { c in
                try CurfewCheckStore.check(c, premisesId: h.home, night: night, now: Date()).raised
            }
            #expect(raised.contains { $0.crn == crn && $0.kind == .lateReturn }, "\(raised)")

            let day = try await Self.script("story.py", args("shift"))
            #expect(
                day["staffNav"] == .array(["Who is in", "Handover", "Incidents"].map { .string($0) }), "\(day)")
            #expect(day["alertShown"]?.string?.contains("Late return") == true, "\(day)")
            #expect(day["acknowledged"] == .string("Alert acknowledged"))
            #expect(day["reportedRefused"]?["links"] == .array([.string("reported-residentId")]), "\(day)")
            #expect(day["reported"] == .string("Recorded that they reported to staff"))
            #expect(day["incidentReported"] == .string("The incident is reported"))
            #expect(day["incidentUpdateRefused"]?["links"] == .array([.string("update-draft_description")]), "\(day)")
            #expect(day["incidentUpdated"] == .string("The incident is updated: version 2"))
            #expect(day["incidentVersions"]?.array?.count == 2)
            #expect(day["handedOver"] == .string("Handover acknowledged"))
            #expect(day["shiftSeesManagerActions"] == .array([]))
            #expect(day["confirmQuestion"]?.string == "Record the departure for Robin Story (\(crn))?", "\(day)")
            #expect(day["departed"] == .string("Departure recorded"))
            #expect((Self.number(day["boardNames"]) ?? 0) > 0)
            #expect(day["outOfServiceRefused"]?["links"] == .array([.string("oos-bedId")]), "\(day)")
            #expect(day["outOfService"] == .string("The bed is out of service for those nights"))
            #expect(day["periodWithdrawn"]?.string?.hasPrefix("Period withdrawn") == true, "\(day)")
            #expect(day["periodHistory"]?.string?.contains("Withdrawn") == true, "\(day)")
            #expect(
                day["pastFound"]?.array?.count == 1 && day["pastFound"]?.array?.first?.string?.contains(crn) == true)
            for part in [booked, day] {
                for (page, violations) in part["axe"]?.object ?? [:] {
                    #expect(violations == .array([]), "\(page): \(violations)")
                    #expect(part["phoneOverflow"]?[page] == .bool(false), "\(page) is wider than a phone")
                }
            }
            let audited = Set((booked["axe"]?.object ?? [:]).keys).union((day["axe"]?.object ?? [:]).keys)
            #expect(
                audited == [
                    "placements", "new-resident", "new-resident-error", "resident", "vary-condition", "book-error",
                    "choose-bed", "placement-upcoming", "placement-shift", "confirm-departure", "beds", "bed",
                    "overview", "premises", "report", "staff", "placements-past", "incident-error", "roll",
                    "edit-resident",
                ])

            // The API shows exactly that.
            let found: Page<Resident> = try await h.manager.get("api/v1/residents", query: ["crn": crn])
            let resident = try #require(found.items.first)
            #expect(resident.givenName == "Robin" && resident.familyName == "Story" && resident.rosh == .medium)
            #expect(resident.dateOfBirth == LocalDate(year: 1990, month: 3, day: 27))
            #expect(resident.practitioner.phone == "0300 123 4567" && resident.practitioner.name == "Pat Probation")
            #expect(resident.contingencyPlan == "Call Pat Probation, then the police on 101")
            let changes: Int = try await h.db { c in
                try c.query(
                    "SELECT count(*) FROM audit_log WHERE table_name = 'residents' AND action = 'update' "
                        + "AND row_id = $1",
                    [resident.id.uuidString.lowercased()]
                )[0].decode(0)
            }
            #expect(changes == 1)
            let record: ResidentRecord = try await h.manager.get("api/v1/residents/\(resident.id)")
            #expect(record.conditions.count == 1 && record.conditions.first?.kind == .curfew)
            #expect(record.conditions.first?.curfew?.windows.map { "\($0.start)-\($0.end)" } == ["21:00-07:00"])
            #expect(record.conditions.first?.startsOn == night)
            let placement = try #require(record.placements.first)
            #expect(record.placements.count == 1 && placement.premisesId == h.home)
            #expect(placement.expectedArrival == night && placement.expectedDeparture == night.adding(days: 3))
            #expect(placement.status == .departed && placement.departureReason == .plannedMoveOn)
            #expect(placement.departureNotes == "to a flat with his sister")
            #expect(placement.arrivedAt == Zone.instant(night, LocalTime(hour: 14, minute: 0)!, in: london))
            let allocations: Page<BedAllocation> = try await h.manager.get(
                "api/v1/placements/\(placement.id)/bed-allocations")
            let beds: Page<Bed> = try await h.manager.get("api/v1/premises/\(h.home)/beds", query: ["limit": "500"])
            #expect(
                allocations.items.map { a in beds.items.first { $0.id == a.bedId }?.code }
                    == [booked["bedChosen"]?.string] && booked["bedChosen"] == .string("99A"))
            let log: Page<Movement> = try await h.manager.get("api/v1/placements/\(placement.id)/movements")
            #expect(log.items.map(\.kind) == [.out, .in])
            #expect(
                log.items.map(\.at)
                    == [18, 23].map { hour in
                        Zone.instant(night, LocalTime(hour: hour, minute: hour == 18 ? 0 : 40)!, in: london)
                    })
            #expect(log.items.compactMap(\.lateReason).count == 2)
            let alertId = try #require(day["alertId"]?.string)
            let alert: Alert = try await h.manager.get("api/v1/alerts/\(alertId)")
            #expect(alert.kind == .lateReturn && alert.crn == crn && alert.night == night)
            #expect(alert.acknowledgements.map(\.outcome) == [.returnedLate])
            #expect(alert.acknowledgements.first?.note == "spoke to them at 23:45")
            let incidents: Page<Incident> = try await h.manager.get("api/v1/premises/\(h.home)/incidents")
            let incident = try #require(incidents.items.first { $0.draft.residentIds == [resident.id] })
            #expect(incident.draft.description == "Argued with staff about the late return; calm by midnight")
            #expect(incident.version == 2 && incident.status == .underReview && incident.draft.severity == .medium)
            let handovers: Page<Handover> = try await h.manager.get("api/v1/premises/\(h.home)/handovers")
            #expect(handovers.items.first?.acknowledgedBy == "Demo Staff")
            let reports: [String] = try await h.db { c in
                try c.query("SELECT note FROM reports WHERE resident_id = $1", [resident.id]).map {
                    try $0.decode("note")
                }
            }
            #expect(reports == ["asked about the job centre"])
            let notes: [String] = try await h.db { c in
                try c.query("SELECT text FROM handover_notes WHERE premises_id = $1", [h.home]).map {
                    try $0.decode("text")
                }
            }
            #expect(notes.contains("Robin Story was late back; acknowledged and reported"))
        }
    }
}
