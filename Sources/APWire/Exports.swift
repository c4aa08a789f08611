import Foundation

/// The tables a manager exports as CSV for a premises and a range of nights (GET
/// /api/v1/premises/{id}/exports/{table}, `ap export TABLE`).
public enum ExportTable: String, CaseIterable, Sendable {
    case placements, movements, alerts, incidents
    case outOfService = "out-of-service"
}
