import APDomain
import Civil
import Foundation

/// A night of the report: the occupancy figures, and the out-of-service beds by reason.
public struct OccupancyReportNight: Codable, Sendable, Equatable {
    public var occupancy: OccupancyNight
    public var outOfServiceByReason: [String: Int]

    public init(occupancy: OccupancyNight, outOfServiceByReason: [String: Int]) {
        self.occupancy = occupancy
        self.outOfServiceByReason = outOfServiceByReason
    }
}

/// One premises' occupancy over a period, with the figures managers compare premises by.
public struct OccupancyReport: Codable, Sendable, Equatable {
    public var premisesId: UUID
    public var code: String
    public var name: String
    public var nights: Nights
    public var daily: [OccupancyReportNight]
    public var totals: OccupancyTotals
    /// Nights from arrival to departure, averaged over the departures in the period.
    public var averageLengthOfStay: Double?
    public var departuresByReason: [String: Int]
    public var curfewAlerts: Int
    public var curfewAlertsPer100ResidentNights: Double?
    public var incidents: Int
    public var incidentsPer1000BedNights: Double?

    public init(
        premisesId: UUID, code: String, name: String, nights: Nights, daily: [OccupancyReportNight],
        totals: OccupancyTotals, averageLengthOfStay: Double? = nil, departuresByReason: [String: Int],
        curfewAlerts: Int, curfewAlertsPer100ResidentNights: Double? = nil, incidents: Int,
        incidentsPer1000BedNights: Double? = nil
    ) {
        self.premisesId = premisesId
        self.code = code
        self.name = name
        self.nights = nights
        self.daily = daily
        self.totals = totals
        self.averageLengthOfStay = averageLengthOfStay
        self.departuresByReason = departuresByReason
        self.curfewAlerts = curfewAlerts
        self.curfewAlertsPer100ResidentNights = curfewAlertsPer100ResidentNights
        self.incidents = incidents
        self.incidentsPer1000BedNights = incidentsPer1000BedNights
    }
}

/// Every premises the caller may see, and their sum.
public struct OccupancySummary: Codable, Sendable, Equatable {
    public var nights: Nights
    public var premises: [OccupancyReport]
    public var totals: OccupancyTotals
    public var curfewAlertsPer100ResidentNights: Double?
    public var incidentsPer1000BedNights: Double?

    public init(
        nights: Nights, premises: [OccupancyReport], totals: OccupancyTotals,
        curfewAlertsPer100ResidentNights: Double? = nil, incidentsPer1000BedNights: Double? = nil
    ) {
        self.nights = nights
        self.premises = premises
        self.totals = totals
        self.curfewAlertsPer100ResidentNights = curfewAlertsPer100ResidentNights
        self.incidentsPer1000BedNights = incidentsPer1000BedNights
    }
}

/// The next nights' expected occupancy, from upcoming placements and expected departures.
public struct OccupancyForecast: Codable, Sendable, Equatable {
    public var premisesId: UUID
    public var nights: [OccupancyNight]
    public var firstFullNight: LocalDate?

    public init(premisesId: UUID, nights: [OccupancyNight], firstFullNight: LocalDate? = nil) {
        self.premisesId = premisesId
        self.nights = nights
        self.firstFullNight = firstFullNight
    }
}
