import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// Premises, rooms, beds and staff.
public enum PremisesStore {
    static let premisesColumns =
        "id, code, name, region, gender, time_zone, curfew_start, curfew_end, ap_type, characteristics"

    static func premises(_ row: PGRow) throws -> Premises {
        Premises(
            id: try row.decode("id"), code: try row.decode("code"), name: try row.decode("name"),
            region: try row.decode("region"),
            gender: try row.value("gender"), timeZone: try row.decode("time_zone"),
            curfewStart: try row.decode("curfew_start"),
            curfewEnd: try row.decode("curfew_end"), apType: try row.value("ap_type"),
            characteristics: try row.decode("characteristics"))
    }

    public static func create(_ c: PGConnection, _ new: NewPremises) throws -> Premises {
        try requireText(new.name, field: "name")
        try requireText(new.region, field: "region")
        return try translating {
            try premises(
                c.query(
                    """
                    INSERT INTO premises (code, name, region, gender, time_zone, curfew_start, curfew_end, ap_type,
                        characteristics)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING \(premisesColumns)
                    """,
                    [
                        new.code, new.name, new.region, new.gender.rawValue, new.timeZone, new.curfewStart,
                        new.curfewEnd,
                        new.apType.rawValue, new.characteristics,
                    ])[0])
        }
    }

    public static func get(_ c: PGConnection, id: UUID) throws -> Premises? {
        try c.query("SELECT \(premisesColumns) FROM premises WHERE id = $1", [id]).first.map(premises)
    }

    public static func exists(_ c: PGConnection, id: UUID) throws -> Bool {
        try !c.query("SELECT 1 FROM premises WHERE id = $1", [id]).isEmpty
    }

    public static func get(_ c: PGConnection, code: String) throws -> Premises? {
        try c.query("SELECT \(premisesColumns) FROM premises WHERE code = $1", [code]).first.map(premises)
    }

    /// Every premises, or those of `ids`, by code.
    public static func list(_ c: PGConnection, ids: [UUID]? = nil) throws -> [Premises] {
        try c.query(
            "SELECT \(premisesColumns) FROM premises WHERE $1::uuid[] IS NULL OR id = ANY($1) ORDER BY code", [ids]
        ).map(premises)
    }

    public static func addRoom(
        _ c: PGConnection, premisesId: UUID, code: String, characteristics: [RoomCharacteristic] = []
    ) throws -> Room {
        try requireText(code, field: "code")
        let row = try translating {
            try c.query(
                "INSERT INTO rooms (premises_id, code, characteristics) VALUES ($1, $2, $3) RETURNING id",
                [premisesId, code, characteristics.map(\.rawValue)])[0]
        }
        return Room(id: try row.decode("id"), premisesId: premisesId, code: code, characteristics: characteristics)
    }

    /// A premises' rooms, by code as people read it (R2 before R10).
    public static func rooms(_ c: PGConnection, premisesId: UUID) throws -> [Room] {
        try c.query("SELECT id, code, characteristics FROM rooms WHERE premises_id = $1", [premisesId]).map { row in
            Room(
                id: try row.decode("id"), premisesId: premisesId, code: try row.decode("code"),
                characteristics: try row.values("characteristics"))
        }.sorted { $0.code.localizedStandardCompare($1.code) == .orderedAscending }
    }

    static let bedColumns = """
        b.id, b.room_id, b.premises_id, b.code, r.code AS room_code, r.characteristics AS room_characteristics,
            b.opened_on, b.closed_on
        """

    static func bed(_ row: PGRow) throws -> Bed {
        Bed(
            id: try row.decode("id"), roomId: try row.decode("room_id"), premisesId: try row.decode("premises_id"),
            code: try row.decode("code"),
            roomCode: try row.decode("room_code"), roomCharacteristics: try row.values("room_characteristics"),
            openedOn: try row.decode("opened_on"), closedOn: try row.decode("closed_on"))
    }

    public static func addBed(_ c: PGConnection, roomId: UUID, code: String, openedOn: LocalDate) throws -> Bed {
        try requireText(code, field: "code")
        return try translating {
            guard
                let row = try c.query(
                    """
                    WITH new AS (
                        INSERT INTO beds (room_id, premises_id, code, opened_on)
                        SELECT id, premises_id, $2, $3 FROM rooms WHERE id = $1 RETURNING *)
                    SELECT \(bedColumns) FROM new b JOIN rooms r ON r.id = b.room_id
                    """, [roomId, code, openedOn]
                ).first
            else { throw StoreError.notFound("room", field: "roomId") }
            return try bed(row)
        }
    }

    /// Closes a bed from `night` on; its history stays. Refused while it is allocated on or after that night.
    public static func closeBed(_ c: PGConnection, bedId: UUID, from night: LocalDate) throws {
        let updated = try translating {
            try c.query("UPDATE beds SET closed_on = $2 WHERE id = $1", [bedId, night]).affectedRows
        }
        if updated == 0 { throw StoreError.notFound("bed", field: "bedId") }
    }

    /// The beds of a premises, open or closed, by code.
    public static func beds(_ c: PGConnection, premisesId: UUID) throws -> [Bed] {
        try c.query(
            "SELECT \(bedColumns) FROM beds b JOIN rooms r ON r.id = b.room_id WHERE b.premises_id = $1 ORDER BY "
                + "b.code",
            [premisesId]
        ).map(bed)
    }

    public static func bed(_ c: PGConnection, id: UUID) throws -> Bed? {
        try c.query("SELECT \(bedColumns) FROM beds b JOIN rooms r ON r.id = b.room_id WHERE b.id = $1", [id]).first
            .map(bed)
    }

    public static func addStaff(_ c: PGConnection, name: String, role: StaffRole, premisesIds: [UUID]) throws
        -> StaffMember
    {
        try requireText(name, field: "name")
        return try c.atomically { c in
            let id: UUID = try c.query(
                "INSERT INTO staff (name, role) VALUES ($1, $2) RETURNING id", [name, role.rawValue])[0].decode("id")
            try translating {
                try c.query(
                    "INSERT INTO staff_premises (staff_id, premises_id) SELECT $1, unnest($2::uuid[])",
                    [id, premisesIds])
            }
            return StaffMember(id: id, name: name, role: role, premisesIds: premisesIds)
        }
    }
}
