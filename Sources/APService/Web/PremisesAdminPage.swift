import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird

/// Admins open a premises from the pages (then its rooms and beds on its Beds page, and its staff on its Staff
/// sign-ins page), through the API's own operation.
extension API {
    static let premisesForm = WebForm(
        "premises",
        [
            .init(name: "code", label: "Code", hint: "Letters, digits and dashes, like AP-004"),
            .init(name: "name", label: "Name"),
            .init(name: "region", label: "Probation region"),
            .init(name: "gender", label: "Who it houses", kind: .radios(WebForm.Option.all(Gender.self))),
            .init(name: "apType", label: "Kind of premises", kind: .choice(WebForm.Option.all(APType.self))),
            .init(name: "curfewStart", label: "Curfew starts", hint: "HH:MM, like 23:00", kind: .time),
            .init(name: "curfewEnd", label: "Curfew ends", hint: "HH:MM, like 06:00", kind: .time),
        ])

    func premisesAdminRoutes(_ r: Router<APRequestContext>) {
        r.get("admin/premises") { req, _ in
            guard let s = try await webSession(req) else { return Self.redirect("/sign-in") }
            try Self.require(.admin, s)
            return premisesFormPage(s, typed: [], errors: [])
        }
        r.post("admin/premises") { req, _ in
            guard let s = try await webSession(req) else { return Self.redirect("/sign-in") }
            try Self.require(.admin, s)
            let pairs = try await Self.postedForm(req, s)
            let form = Self.premisesForm
            let outcome = try await attempt(form) {
                try await createPremises(
                    s.principal, try form.read(NewPremises.self, pairs, zone: API.london, today: today()))
            }
            switch outcome {
            case .success(let premises): return Self.redirect("/premises/\(premises.code)/beds?done=opened")
            case .failure(let refusal):
                return premisesFormPage(s, typed: pairs, errors: refusal.errors, status: .unprocessableContent)
            }
        }
    }

    func premisesFormPage(
        _ s: WebSessionStore.Session, typed: [(String, String)], errors: [(field: String, message: String)],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        var model = Self.premisesForm.page(
            typed: typed, initial: ["curfewStart": "23:00", "curfewEnd": "06:00", "apType": "normal"], errors: errors)
        model["title"] = "Open a premises"
        return Self.page("new-premises", model, s, nil, nil, status: status)
    }
}
