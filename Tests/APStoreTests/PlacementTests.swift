import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

@Suite struct PlacementTests {
    typealias F = Fixture
    let now = try! Date("2026-06-20T12:00:00Z", strategy: .iso8601)
    func instant(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    @Test func legalTransitions() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, beds) = try f.premises()
                let stay = try f.placement(p, Nights(from: F.d(1, month: 6), to: F.d(30, month: 6))!)
                #expect(stay.status == .upcoming)
                _ = try BedStore.allocate(c, placementId: stay.id, bedId: beds["1A"]!.id, nights: stay.expectedNights)
                let arrived = try PlacementStore.arrive(c, id: stay.id, at: instant("2026-06-01T15:30:00Z"), now: now)
                #expect(arrived.status == .arrived && arrived.arrivedAt == instant("2026-06-01T15:30:00Z"))
                // 23:30 UTC on 10 June is 00:30 on 11 June in London (BST): the bed is given up from the 11th.
                let departed = try PlacementStore.depart(
                    c, id: stay.id, at: instant("2026-06-10T23:30:00Z"), reason: .absconded, now: now)
                #expect(departed.status == .departed && departed.departureReason == .absconded)
                #expect(
                    try BedStore.allocations(c, placementId: stay.id).map(\.nights) == [
                        Nights(from: F.d(1, month: 6), to: F.d(11, month: 6))!
                    ])

                let cancelled = try f.placement(p, Nights(from: F.d(1, month: 7), to: F.d(5, month: 7))!)
                _ = try BedStore.allocate(
                    c, placementId: cancelled.id, bedId: beds["1A"]!.id, nights: cancelled.expectedNights)
                #expect(
                    try PlacementStore.cancel(c, id: cancelled.id, reason: .alternativeProvision, at: now).status
                        == .cancelled)
                #expect(try BedStore.allocations(c, placementId: cancelled.id).allSatisfy { $0.releasedAt != nil })
                #expect(
                    try BedStore.freeBeds(c, premisesId: p.id, nights: cancelled.expectedNights).map(\.code).contains(
                        "1A"))

                let noShow = try f.placement(p, Nights(from: F.d(2, month: 7), to: F.d(5, month: 7))!)
                #expect(
                    try PlacementStore.recordNonArrival(c, id: noShow.id, reason: .recalled, at: now).nonArrivalReason
                        == .recalled)
            }
        }
    }

    @Test func illegalTransitionsAreRefusedAndChangeNothing() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, _) = try f.premises()
                let june = Nights(from: F.d(1, month: 6), to: F.d(10, month: 6))!
                let upcoming = try f.placement(p, june)
                let departEarly = storeError {
                    _ = try PlacementStore.depart(c, id: upcoming.id, at: now, reason: .plannedMoveOn, now: now)
                }
                #expect(
                    departEarly?.code == "placement-transition" && departEarly?.message.contains("not arrived") == true)

                let cancelled = try f.placement(p, Nights(from: F.d(1, month: 7), to: F.d(3, month: 7))!)
                _ = try PlacementStore.cancel(c, id: cancelled.id, reason: .error, at: now)
                #expect(
                    storeError { _ = try PlacementStore.arrive(c, id: cancelled.id, at: now, now: now) }?.message
                        .contains("cancelled") == true)
                #expect(try PlacementStore.get(c, id: cancelled.id)?.status == .cancelled)

                _ = try PlacementStore.arrive(c, id: upcoming.id, at: instant("2026-06-01T10:00:00Z"), now: now)
                #expect(
                    storeError { _ = try PlacementStore.arrive(c, id: upcoming.id, at: now, now: now) }?.code
                        == "placement-transition")
                #expect(
                    storeError { _ = try PlacementStore.cancel(c, id: upcoming.id, reason: .error, at: now) }?.code
                        == "placement-transition")
                #expect(
                    storeError {
                        _ = try PlacementStore.depart(
                            c, id: upcoming.id, at: instant("2026-05-31T10:00:00Z"), reason: .other, now: now)
                    }?.code == "departure-before-arrival")
                #expect(
                    storeError {
                        _ = try PlacementStore.depart(
                            c, id: upcoming.id, at: now.addingTimeInterval(3600), reason: .other, now: now)
                    }?.code == "time-in-future")
                #expect(try PlacementStore.get(c, id: upcoming.id)?.status == .arrived)
                #expect(
                    storeError { _ = try PlacementStore.arrive(c, id: UUID(), at: now, now: now) }?.kind == .notFound)

                // The database refuses the same things when the store is bypassed.
                let raw = pgError {
                    try c.query(
                        "UPDATE placements SET status = 'upcoming', arrived_at = NULL WHERE id = $1", [upcoming.id])
                }
                #expect(raw?.constraint == "placements_transition")
                let skipped = pgError {
                    try c.query(
                        "UPDATE placements SET status = 'arrived', arrived_at = now(), ended_at = NULL WHERE id = $1",
                        [cancelled.id])
                }
                #expect(skipped?.constraint == "placements_transition")
            }
        }
    }

    @Test func aResidentCannotBeExpectedInTwoPlacesAtOnce() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, _) = try f.premises()
                let (q, _) = try f.premises()
                let r = try f.resident()
                let first = try PlacementStore.create(c, residentId: r.id, premisesId: p.id, expected: F.nights(1, 10))
                #expect(
                    storeError {
                        _ = try PlacementStore.create(c, residentId: r.id, premisesId: q.id, expected: F.nights(9, 20))
                    }?.code == "placement-overlaps")
                // back to back is fine
                _ = try PlacementStore.create(c, residentId: r.id, premisesId: q.id, expected: F.nights(10, 20))
                _ = try PlacementStore.cancel(c, id: first.id, reason: .error, at: now)
                _ = try PlacementStore.create(
                    c, residentId: r.id, premisesId: q.id, expected: Nights(from: F.d(1), to: F.d(10))!)
            }
        }
    }

    @Test func genderMustMatchThePremises() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (men, _) = try f.premises(gender: .male)
                let (women, _) = try f.premises(gender: .female)
                let woman = try f.resident(gender: .female)
                let refused = storeError {
                    _ = try PlacementStore.create(c, residentId: woman.id, premisesId: men.id, expected: F.nights(1, 5))
                }
                #expect(refused?.code == "gender-mismatch" && refused?.field == "premisesId")
                #expect(
                    try PlacementStore.create(c, residentId: woman.id, premisesId: women.id, expected: F.nights(1, 5))
                        .status == .upcoming)
            }
        }
    }
}

extension Placement {
    var expectedNights: Nights { Nights(from: expectedArrival, to: expectedDeparture)! }
}

@Suite struct ResidentTests {
    typealias F = Fixture

    func new(_ crn: String, given: String = "Ana", family: String = "Lopez", at premisesId: UUID) -> NewResident {
        NewResident(
            premisesId: premisesId, crn: crn, givenName: given, familyName: family,
            dateOfBirth: LocalDate(year: 1988, month: 2, day: 29)!, gender: .female,
            rosh: .veryHigh, mappa: Mappa(category: 1, level: 2),
            practitioner: Practitioner(name: "J. Okafor", email: "j.okafor@example.org"),
            contingencyPlan: "Call the out-of-hours manager; then the police on 101.")
    }

    @Test func crnIsValidatedAndUnique() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let home = try Fixture(c: c).premises(gender: .female, beds: [:]).0.id
                let made = try ResidentStore.create(c, new(" x320741 ", at: home))
                #expect(made.crn.value == "X320741")
                #expect(try ResidentStore.get(c, crn: CRN("X320741")!) == made)
                let duplicate = storeError { _ = try ResidentStore.create(c, new("X320741", at: home)) }
                #expect(duplicate?.code == "crn-taken" && duplicate?.kind == .conflict)
                #expect(duplicate?.message.contains("X320741") == false)  // no personal data in errors
                for bad in ["X32074", "320741X", "XX20741", ""] {
                    #expect(
                        storeError { _ = try ResidentStore.create(c, new(bad, at: home)) }?.code == "crn-format",
                        "\(bad)")
                }
                // The database's own check, when the store is bypassed.
                let raw = pgError {
                    try c.query(
                        "INSERT INTO residents (crn, given_name, family_name, date_of_birth, gender, rosh, "
                            + "practitioner_name) VALUES ('x1', 'a', 'b', '2000-01-01', 'male', 'low', 'p')"
                    )
                }
                #expect(raw?.constraint == "residents_crn_format")
                #expect(
                    storeError {
                        _ = try ResidentStore.create(
                            c,
                            NewResident(
                                premisesId: home, crn: "A000001", givenName: "a", familyName: "b",
                                dateOfBirth: LocalDate(year: 2000, month: 1, day: 1)!, gender: .male, rosh: .low,
                                mappa: Mappa(category: 5, level: 1), practitioner: Practitioner(name: "p")))
                    }?.field == "mappa")
            }
        }
    }

    /// Quotes, semicolons, SQL keywords and non-ASCII letters come back exactly as they went in.
    @Test func hostileLookingTextRoundTripsUnchanged() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let home = try Fixture(c: c).premises(gender: .female, beds: [:]).0.id
                let names = [
                    ("Seán", "O'Brien; DROP TABLE residents;--"), ("Zoë", "Ğülşen-Łukasz \"Bobby\""),
                    ("Robert'); SELECT pg_sleep(5); --", "日本"),
                ]
                for (i, (given, family)) in names.enumerated() {
                    let made = try ResidentStore.create(c, new("Q00000\(i)", given: given, family: family, at: home))
                    let read = try ResidentStore.get(c, id: made.id)!
                    #expect(read.givenName == given && read.familyName == family)
                    #expect(read.contingencyPlan == "Call the out-of-hours manager; then the police on 101.")
                }
                let f = Fixture(c: c)
                let (p, beds) = try f.premises()
                let period = try BedStore.putOutOfService(
                    c, bedId: beds["1A"]!.id, nights: F.nights(1, 2), reason: .other,
                    notes: "Robert'); DELETE FROM beds; -- ümlaut \\ backslash")
                #expect(try BedStore.outOfServiceHistory(c, bedId: beds["1A"]!.id).first?.notes == period.notes)
                #expect(try PremisesStore.beds(c, premisesId: p.id).count == 3)
                let count: Int = try c.query("SELECT count(*) AS n FROM residents")[0].decode("n")
                #expect(count == 3)
            }
        }
    }
}

@Suite struct StaffTests {
    @Test func staffWorkAtPremisesAndCanBeKeyWorkers() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, _) = try f.premises()
                let (q, _) = try f.premises()
                let regional = try PremisesStore.addStaff(
                    c, name: "Dee O'Neill", role: .manager, premisesIds: [p.id, q.id])
                let worker = try PremisesStore.addStaff(c, name: "Ravi Shah", role: .staff, premisesIds: [p.id])
                let placesOf: [String] = try c.query(
                    """
                    SELECT s.name || ':' || count(*) AS n FROM staff s JOIN staff_premises sp ON sp.staff_id = s.id
                        GROUP BY s.name ORDER BY s.name
                    """
                ).map { try $0.decode("n") }
                #expect(placesOf == ["Dee O'Neill:2", "Ravi Shah:1"])
                #expect(regional.role == .manager && worker.premisesIds == [p.id])
                let stay = try PlacementStore.create(
                    c, residentId: f.resident().id, premisesId: p.id, expected: Fixture.nights(1, 5),
                    keyWorkerId: worker.id)
                #expect(try PlacementStore.get(c, id: stay.id)?.keyWorkerId == worker.id)
                #expect(
                    storeError { _ = try PremisesStore.addStaff(c, name: "X", role: .staff, premisesIds: [UUID()]) }?
                        .code == "reference-not-found")
                #expect(
                    storeError { _ = try PremisesStore.addStaff(c, name: " ", role: .staff, premisesIds: [p.id]) }?
                        .field == "name")
            }
        }
    }
}
