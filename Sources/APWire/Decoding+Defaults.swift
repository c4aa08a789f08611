import APDomain
import Civil
import Foundation

// What a client may leave out of a new record takes the same default as in Swift: synthesized
// decoding would require every field.

extension NewPremises {
    enum CodingKeys: String, CodingKey {
        case code, name, region, gender, timeZone, curfewStart, curfewEnd, apType, characteristics
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try c.decode(String.self, forKey: .code), name: try c.decode(String.self, forKey: .name),
            region: try c.decode(String.self, forKey: .region), gender: try c.decode(Gender.self, forKey: .gender))
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone) ?? timeZone
        curfewStart = try c.decodeIfPresent(LocalTime.self, forKey: .curfewStart) ?? curfewStart
        curfewEnd = try c.decodeIfPresent(LocalTime.self, forKey: .curfewEnd) ?? curfewEnd
        apType = try c.decodeIfPresent(APType.self, forKey: .apType) ?? apType
        characteristics = try c.decodeIfPresent([String].self, forKey: .characteristics) ?? characteristics
    }
}

extension NewResident {
    enum CodingKeys: String, CodingKey {
        case premisesId, crn, givenName, familyName, dateOfBirth, gender, rosh, mappa, practitioner, contingencyPlan
    }
    /// Its details are read as a correction's are (ResidentDetails), from the same object.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = try ResidentDetails(from: decoder)
        self.init(
            premisesId: try c.decodeIfPresent(UUID.self, forKey: .premisesId),
            crn: try c.decode(String.self, forKey: .crn),
            givenName: d.givenName, familyName: d.familyName, dateOfBirth: d.dateOfBirth, gender: d.gender,
            rosh: d.rosh,
            mappa: d.mappa, practitioner: d.practitioner, contingencyPlan: d.contingencyPlan)
    }
}

extension NewCondition {
    enum CodingKeys: String, CodingKey { case kind, source, startsOn, endsOn, wording, curfew, reporting }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            kind: try c.decode(ConditionKind.self, forKey: .kind),
            source: try c.decode(ConditionSource.self, forKey: .source),
            startsOn: try c.decode(LocalDate.self, forKey: .startsOn),
            endsOn: try c.decodeIfPresent(LocalDate.self, forKey: .endsOn),
            wording: try c.decodeIfPresent(String.self, forKey: .wording) ?? "",
            curfew: try c.decodeIfPresent(CurfewDetails.self, forKey: .curfew),
            reporting: try c.decodeIfPresent(ReportingDetails.self, forKey: .reporting))
    }
}

extension ResidentDetails {
    enum CodingKeys: String, CodingKey {
        case givenName, familyName, dateOfBirth, gender, rosh, mappa, practitioner, contingencyPlan
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            givenName: try c.decode(String.self, forKey: .givenName),
            familyName: try c.decode(String.self, forKey: .familyName),
            dateOfBirth: try c.decode(LocalDate.self, forKey: .dateOfBirth),
            gender: try c.decode(Gender.self, forKey: .gender), rosh: try c.decode(RoSH.self, forKey: .rosh),
            mappa: try c.decodeIfPresent(Mappa.self, forKey: .mappa),
            practitioner: try c.decode(Practitioner.self, forKey: .practitioner),
            contingencyPlan: try c.decodeIfPresent(String.self, forKey: .contingencyPlan) ?? "")
    }
}

extension IncidentDraft {
    enum CodingKeys: String, CodingKey {
        case occurredAt, location, category, severity, description, immediateAction, policeInformed, policeReference,
            residentIds, staffIds, followUps
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            occurredAt: try c.decode(Date.self, forKey: .occurredAt),
            location: try c.decodeIfPresent(String.self, forKey: .location) ?? "",
            category: try c.decode(IncidentCategory.self, forKey: .category),
            severity: try c.decode(Severity.self, forKey: .severity),
            description: try c.decode(String.self, forKey: .description),
            immediateAction: try c.decodeIfPresent(String.self, forKey: .immediateAction) ?? "",
            policeInformed: try c.decodeIfPresent(Bool.self, forKey: .policeInformed) ?? false,
            policeReference: try c.decodeIfPresent(String.self, forKey: .policeReference),
            residentIds: try c.decodeIfPresent([UUID].self, forKey: .residentIds) ?? [],
            staffIds: try c.decodeIfPresent([UUID].self, forKey: .staffIds) ?? [],
            followUps: try c.decodeIfPresent([FollowUp].self, forKey: .followUps) ?? [])
    }
}
