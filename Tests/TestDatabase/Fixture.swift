import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import Synchronization

/// Builds small worlds for tests of the stores, the worker and the operations: the one shared fixture
/// (premises with beds, residents, placements, a staff member to act as), so that no suite keeps its own copy.
public struct Fixture {
    public let c: PGConnection
    public static let counter = Atomic<Int>(0)

    public init(c: PGConnection) { self.c = c }

    public static func d(_ day: Int, month: Int = 3, year: Int = 2026) -> LocalDate {
        LocalDate(year: year, month: month, day: day)!
    }
    public static func nights(_ from: Int, _ to: Int) -> Nights { Nights(from: d(from), to: d(to))! }

    public func premises(
        _ code: String = "AP-\(Fixture.counter.add(1, ordering: .relaxed).newValue)", gender: Gender = .male,
        beds: [String: [RoomCharacteristic]] = ["1A": [], "1B": [], "2A": [.single, .stepFree]]
    ) throws -> (Premises, [String: Bed]) {
        let p = try PremisesStore.create(
            c, NewPremises(code: code, name: "Hostel \(code)", region: "North West", gender: gender))
        var out: [String: Bed] = [:]
        for (code, characteristics) in beds.sorted(by: { $0.key < $1.key }) {
            let room = try PremisesStore.addRoom(
                c, premisesId: p.id, code: "R" + code, characteristics: characteristics)
            out[code] = try PremisesStore.addBed(c, roomId: room.id, code: code, openedOn: Fixture.d(1, month: 1))
        }
        return (p, out)
    }

    /// A resident added by `premisesId`, or by a premises of their own made for them.
    public func resident(
        gender: Gender = .male, given: String = "Sam", family: String = "Smith", at premisesId: UUID? = nil
    ) throws -> Resident {
        let n = Fixture.counter.add(1, ordering: .relaxed).newValue
        let premisesId = try premisesId ?? premises(gender: gender, beds: [:]).0.id
        return try ResidentStore.create(
            c,
            NewResident(
                premisesId: premisesId, crn: "T" + String(format: "%06d", n % 1_000_000), givenName: given,
                familyName: family,
                dateOfBirth: LocalDate(year: 1990, month: 5, day: 17)!, gender: gender, rosh: .high,
                mappa: Mappa(category: 2, level: 1),
                practitioner: Practitioner(name: "P. Practitioner", phone: "0161 000 0000"),
                contingencyPlan: "Call the out-of-hours manager; then the police on 101 if not back within the hour."))
    }

    public func placement(_ premises: Premises, _ nights: Nights, gender: Gender = .male) throws -> Placement {
        try PlacementStore.create(
            c, residentId: resident(gender: gender, at: premises.id).id, premisesId: premises.id, expected: nights)
    }
}

/// The StoreError a closure throws, or nil.
public func storeError(_ body: () throws -> Void) -> StoreError? {
    do {
        try body()
        return nil
    } catch let e as StoreError { return e } catch { return nil }
}

extension Fixture {
    /// A premises with one arrived resident (arrived at `arrivedAt`), and a staff member to act as.
    public func arrivedResident(arrivedAt: Date, premises: (Premises, [String: Bed])? = nil, bed: String = "1A") throws
        -> (Premises, Resident, Placement, Actor)
    {
        let (p, beds) = try premises ?? self.premises()
        let r = try resident(at: p.id)
        let local = Zone.local(arrivedAt, in: TimeZone(identifier: "Europe/London")!).date
        let stay = try PlacementStore.create(
            c, residentId: r.id, premisesId: p.id, expected: Nights(from: local, to: local.adding(days: 60))!)
        _ = try BedStore.allocate(
            c, placementId: stay.id, bedId: beds[bed]!.id, nights: Nights(from: local, to: local.adding(days: 60))!)
        let arrived = try PlacementStore.arrive(c, id: stay.id, at: arrivedAt, now: arrivedAt)
        let staff = try PremisesStore.addStaff(c, name: "Night Worker", role: .staff, premisesIds: [p.id])
        return (p, r, arrived, Actor.staff(staff.id, origin: "test"))
    }

    /// A staff member (at `premises`, or at none) to act as.
    public func actor(_ name: String = "Staff", role: StaffRole = .staff, at premises: [UUID] = []) throws -> Actor {
        Actor.staff(try PremisesStore.addStaff(c, name: name, role: role, premisesIds: premises).id, origin: "test")
    }
}
