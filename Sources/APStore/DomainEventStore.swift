import APWire
import Foundation
import PGDriver

/// The events other systems read (sql/0026_domain_events.sql), in commit order after a cursor.
public enum DomainEventStore {
    public static func after(_ c: PGConnection, id: Int64, limit: Int) throws -> [DomainEvent] {
        try c.query(
            """
            SELECT e.id, e.type, e.version, e.at, e.premises_id, p.code, r.crn, e.record_id
            FROM domain_events e JOIN premises p ON p.id = e.premises_id LEFT JOIN residents r ON r.id = e.resident_id
            WHERE e.id > $1 ORDER BY e.id LIMIT $2
            """, [id, limit]
        ).map { row in
            let type: DomainEvent.Kind = try row.value("type")
            let record: UUID = try row.decode("record_id")
            let collection =
                switch type {
                case .alertRaised, .alertAcknowledged, .alertResolved: "alerts"
                case .incidentReported, .incidentClosed: "incidents"
                default: "placements"
                }
            return DomainEvent(
                id: try row.decode("id"), type: type, version: Int(try row.decode("version", as: Int32.self)),
                at: try row.decode("at"), premisesId: try row.decode("premises_id"),
                premisesCode: try row.decode("code"),
                crn: try row.decode("crn"), link: "/api/v1/\(collection)/\(record.uuidString.lowercased())")
        }
    }
}
