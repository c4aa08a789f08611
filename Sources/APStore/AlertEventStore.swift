import APDomain
import APWire
import Foundation
import PGDriver

/// The alert events a stream sends (sql/0023_alert_events.sql): in commit order, so "after id N" misses none.
public enum AlertEventStore {
    /// The channel a premises' new events are announced on (payload: the premises' id).
    public static let channel = "ap_alert_events"

    /// The id of the premises' latest event, or 0.
    public static func head(_ c: PGConnection, premisesId: UUID) throws -> Int64 {
        try c.query("SELECT coalesce(max(id), 0) AS id FROM alert_events WHERE premises_id = $1", [premisesId])[0]
            .decode("id")
    }

    /// How many events one read gives at most.
    public static let pageSize = 1000

    /// The premises' events after `after`, oldest first, each with its alert as it stands now.
    public static func events(_ c: PGConnection, premisesId: UUID, after: Int64, limit: Int = pageSize) throws
        -> [AlertEvent]
    {
        let rows = try c.query(
            """
            SELECT id, kind, at, alert_id FROM alert_events WHERE premises_id = $1 AND id > $2 ORDER BY id LIMIT $3
            """, [premisesId, after, limit])
        if rows.isEmpty { return [] }
        let ids = try rows.map { try $0.decode("alert_id", as: UUID.self) }
        let alerts = Dictionary(
            uniqueKeysWithValues: try AlertStore.alerts(
                c, c.query("SELECT \(AlertStore.columns) FROM alerts WHERE id = ANY($1)", [Array(Set(ids))])
            ).map { ($0.id, $0) })
        return try rows.compactMap { row in
            guard let alert = alerts[try row.decode("alert_id")] else { return nil }
            return AlertEvent(
                id: try row.decode("id"), kind: try row.value("kind"), at: try row.decode("at"), alert: alert)
        }
    }

    /// `events` as the worker, which sees every premises: what a service process's one listener fans out.
    public static func eventsForFanOut(_ c: PGConnection, premisesId: UUID, after: Int64) throws -> [AlertEvent] {
        try c.acting(as: .worker(origin: "alert stream")) { c in try events(c, premisesId: premisesId, after: after) }
    }
}
