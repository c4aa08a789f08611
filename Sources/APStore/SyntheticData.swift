import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// Realistic made-up data for demos and benchmarks: premises with rooms and beds, and for every bed a
/// chain of stays from `historyDays` before `today` to `aheadDays` after it, departed in the past,
/// arrived now and upcoming later, with some cancellations, non-arrivals, out-of-service periods and
/// a few unbedded (overbooked) placements. Deterministic for a given seed. Every row goes through the
/// schema's constraints and lifecycle triggers, as real data does.
public struct SyntheticData: Sendable {
    public var premises = 3
    public var bedsPerPremises = 20
    public var historyDays = 90
    public var aheadDays = 60
    public var today: LocalDate
    public var seed: UInt64 = 1
    /// Prefix of premises codes; its first letter is every CRN's, so that data sets with different
    /// prefixes can share a database.
    public var codePrefix = "AP"
    var crnLetter: Character { codePrefix.first.map { $0.isLetter ? Character($0.uppercased()) : "Z" } ?? "Z" }

    public init(today: LocalDate) { self.today = today }

    public struct Summary: Sendable, Equatable {
        public var premises = 0, beds = 0, residents = 0, placements = 0, allocations = 0, outOfService = 0
    }

    struct Stay {
        var premises: Int
        var bed: Int?
        var gender: Gender
        var nights: Nights
        var status: PlacementStatus
    }

    @discardableResult
    public func load(into c: PGConnection) throws -> Summary {
        var rng = SplitMix64(seed: seed)
        var summary = Summary()
        let regions = [
            "North West", "North East", "Yorkshire", "Midlands", "East of England", "London", "Kent, Surrey and Sussex",
            "South West", "Wales",
        ]
        let given = [
            "Sam", "Alex", "Jordan", "Chris", "Jamie", "Lee", "Dan", "Kieran", "Aaron", "Ryan", "Zoë", "Siobhán",
            "Maya", "Priya", "Kemi", "Seán",
        ]
        let family = [
            "Smith", "Jones", "Williams", "O'Brien", "Patel", "Nowak", "Evans", "Okafor", "Hughes", "Khan", "Murphy",
            "Davies", "Łukasz", "Ahmed",
        ]
        let first = today.adding(days: -historyDays)
        let last = today.adding(days: aheadDays)

        return try c.atomically { c in
            // Premises, rooms (about a third double rooms) and beds.
            var premisesIds: [UUID] = []
            var bedIds: [[UUID]] = []
            var genders: [Gender] = []
            for p in 0..<premises {
                let gender: Gender = p % 7 == 3 ? .female : .male
                genders.append(gender)
                let id: UUID = try c.query(
                    """
                    INSERT INTO premises (code, name, region, gender, ap_type) VALUES ($1, $2, $3, $4, $5) RETURNING id
                    """,
                    [
                        String(format: "%@-%03d", codePrefix, p + 1),
                        "\(["Ashdown", "Beacon", "Carlton", "Dene", "Elm", "Fairfield"][p % 6]) House \(p + 1)",
                        regions[p % regions.count], gender.rawValue, p % 10 == 0 ? "pipe" : "normal",
                    ])[0].decode("id")
                var roomCodes: [String] = []
                var roomChars: [String] = []
                var bedRooms: [Int] = []
                var bedCodes: [String] = []
                var bed = 0
                var room = 0
                while bed < bedsPerPremises {
                    room += 1
                    let double = rng.next(3) == 0 && bed + 1 < bedsPerPremises
                    var chars: [String] = double ? [] : ["single"]
                    if rng.next(4) == 0 { chars.append("en_suite") }
                    if room <= 2 { chars += ["step_free", "wheelchair"] }
                    roomCodes.append("R\(room)")
                    roomChars.append("{" + chars.joined(separator: ",") + "}")
                    for b in 0..<(double ? 2 : 1) {
                        bedRooms.append(room - 1)
                        bedCodes.append("\(room)\(["A", "B"][b])")
                        bed += 1
                    }
                }
                let roomIds: [UUID] = try c.query(
                    """
                    INSERT INTO rooms (premises_id, code, characteristics) SELECT $1, code, chars::text[] FROM
                        unnest($2::text[], $3::text[]) AS r(code, chars)
                    RETURNING id
                    """, [id, roomCodes, roomChars]
                ).map { try $0.decode("id") }
                let beds: [UUID] = try c.query(
                    """
                    INSERT INTO beds (room_id, premises_id, code, opened_on)
                    SELECT (($2::uuid[])[room + 1]), $1, code, $4 FROM unnest($3::int8[], $5::text[]) WITH ORDINALITY
                        AS b(room, code, n) ORDER BY n
                    RETURNING id
                    """, [id, roomIds, bedRooms, first.adding(days: -200), bedCodes]
                ).map { try $0.decode("id") }
                premisesIds.append(id)
                bedIds.append(beds)
                summary.premises += 1
                summary.beds += beds.count
            }

            // A chain of stays per bed, and a few extra placements with no bed.
            var stays: [Stay] = []
            for p in 0..<premises {
                for b in 0..<bedIds[p].count {
                    var day = -historyDays - Int(rng.next(60))
                    while true {
                        let length = 21 + Int(rng.next(100))
                        let gap = Int(rng.next(10))
                        let from = today.adding(days: day)
                        let to = today.adding(days: day + length)
                        if from >= last { break }
                        if to > first {
                            let roll = rng.next(100)
                            let status: PlacementStatus =
                                to <= today
                                ? (roll < 4 ? .cancelled : roll < 6 ? .nonArrival : .departed)
                                : from <= today ? .arrived : .upcoming
                            stays.append(
                                Stay(
                                    premises: p, bed: status == .departed || status.isActive ? b : nil,
                                    gender: genders[p],
                                    nights: Nights(from: from, to: to)!, status: status))
                        }
                        day += length + gap
                    }
                }
                for _ in 0..<max(1, bedIds[p].count / 30) {
                    let from = today.adding(days: 3 + Int(rng.next(20)))
                    stays.append(
                        Stay(
                            premises: p, bed: nil, gender: genders[p],
                            nights: Nights(from: from, to: from.adding(days: 28))!, status: .upcoming))
                }
            }

            // Residents, one per stay.
            let n = stays.count
            let residentIds: [UUID] = try c.query(
                """
                INSERT INTO residents (crn, given_name, family_name, date_of_birth, gender, rosh, mappa_category,
                    mappa_level,
                                       practitioner_name, practitioner_phone, contingency_plan, premises_id)
                SELECT crn, g, f, dob, gender, rosh, CASE WHEN m THEN 2 END, CASE WHEN m THEN 1 END,
                    'Probation Practitioner',
                       '0300 000 0000',
                           'Call the out-of-hours manager, then the police on 101 if not back within the hour.',
                       ($9::uuid[])[p + 1]
                FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::bool[],
                    $8::int8[])
                     WITH ORDINALITY AS r(crn, g, f, dob, gender, rosh, m, p, i) ORDER BY i
                RETURNING id
                """,
                [
                    (0..<n).map { String(crnLetter) + String(format: "%06d", $0 + 1) },
                    (0..<n).map { _ in given[Int(rng.next(UInt64(given.count)))] },
                    (0..<n).map { _ in family[Int(rng.next(UInt64(family.count)))] },
                    (0..<n).map { _ in today.adding(days: -(365 * 20 + Int(rng.next(365 * 40)))) },
                    stays.map(\.gender.rawValue),
                    (0..<n).map { _ in ["low", "medium", "high", "high", "very_high"][Int(rng.next(5))] },
                    (0..<n).map { _ in rng.next(3) == 0 },
                    stays.map { $0.premises }, premisesIds,
                ]
            )
            .map { try $0.decode("id") }
            summary.residents = n

            // Placements start upcoming, get their beds, then move through the lifecycle like real ones.
            let placementIds: [UUID] = try c.query(
                """
                INSERT INTO placements (resident_id, premises_id, expected_arrival, expected_departure)
                SELECT r, (($2::uuid[])[p + 1]), a, d FROM unnest($1::uuid[], $3::int8[], $4::date[], $5::date[]) WITH
                    ORDINALITY AS x(r, p, a, d, i)
                ORDER BY i RETURNING id
                """,
                [residentIds, premisesIds, stays.map { $0.premises }, stays.map(\.nights.from), stays.map(\.nights.to)]
            )
            .map { try $0.decode("id") }
            summary.placements = n
            let bedded = stays.indices.filter { stays[$0].bed != nil }
            try c.query(
                """
                INSERT INTO bed_allocations (placement_id, bed_id, nights) SELECT p, b, daterange(f, t) FROM
                    unnest($1::uuid[], $2::uuid[], $3::date[], $4::date[]) AS x(p, b, f, t)
                """,
                [
                    bedded.map { placementIds[$0] }, bedded.map { bedIds[stays[$0].premises][stays[$0].bed!] },
                    bedded.map { stays[$0].nights.from }, bedded.map { stays[$0].nights.to },
                ])
            summary.allocations = bedded.count

            let zone = TimeZone(identifier: "Europe/London")!
            let arrivedIdx = stays.indices.filter { stays[$0].status == .arrived || stays[$0].status == .departed }
            try c.query(
                """
                UPDATE placements p SET status = 'arrived', arrived_at = x.at FROM unnest($1::uuid[],
                    $2::timestamptz[]) AS x(id, at) WHERE p.id = x.id
                """,
                [
                    arrivedIdx.map { placementIds[$0] },
                    arrivedIdx.map { Zone.instant(stays[$0].nights.from, LocalTime(hour: 14, minute: 0)!, in: zone) },
                ])
            let departedIdx = stays.indices.filter { stays[$0].status == .departed }
            let reasons = [
                "planned_move_on", "planned_move_on", "planned_move_on", "planned_move_on", "planned_move_on",
                "planned_move_on",
                "breach_recall_curfew", "breach_licence_condition", "positive_drugs_test", "absconded", "behaviour",
            ]
            try c.query(
                """
                UPDATE placements p SET status = 'departed', departed_at = x.at, departure_reason = x.reason
                FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS x(id, at, reason) WHERE p.id = x.id
                """,
                [
                    departedIdx.map { placementIds[$0] },
                    departedIdx.map { Zone.instant(stays[$0].nights.to, LocalTime(hour: 10, minute: 0)!, in: zone) },
                    departedIdx.map { _ in reasons[Int(rng.next(UInt64(reasons.count)))] },
                ])
            for (status, column, reason) in [
                (PlacementStatus.cancelled, "cancellation_reason", "alternative_provision"),
                (.nonArrival, "non_arrival_reason", "failed_to_arrive"),
            ] {
                let idx = stays.indices.filter { stays[$0].status == status }
                try c.query(
                    "UPDATE placements SET status = $2, ended_at = expected_arrival::timestamptz, \(column) = $3 "
                        + "WHERE id = ANY($1)",
                    [idx.map { placementIds[$0] }, status.rawValue, reason])
            }

            // Out of service: a week for about one bed in eight, somewhere from the start of the history to
            // three weeks ahead, wherever that bed is free then.
            var oosBeds: [UUID] = []
            var oosStarts: [LocalDate] = []
            var oosReasons: [String] = []
            for beds in bedIds {
                for bed in beds where rng.next(8) == 0 {
                    oosBeds.append(bed)
                    oosStarts.append(first.adding(days: Int(rng.next(UInt64(historyDays + 21)))))
                    oosReasons.append(
                        ["planned_refurbishment", "damage_by_resident", "staff_shortage", "single_occupancy"][
                            Int(rng.next(4))])
                }
            }
            summary.outOfService = try c.query(
                """
                INSERT INTO out_of_service_periods (bed_id, nights, reason, notes)
                SELECT b, daterange(s, s + 7), r, 'synthetic' FROM unnest($1::uuid[], $2::date[], $3::text[]) AS x(b,
                    s, r)
                WHERE NOT EXISTS (SELECT 1 FROM bed_allocations a WHERE a.bed_id = x.b AND a.released_at IS NULL AND
                    a.nights && daterange(x.s, x.s + 7))
                """, [oosBeds, oosStarts, oosReasons]
            ).affectedRows
            return summary
        }
    }
}

/// A small, fast, deterministic generator (Steele, Lea and Flood's SplitMix64): the same seed gives the same
/// data, or the same random world in a property test, on every machine.
public struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(_ bound: UInt64) -> UInt64 { next() % bound }
}
