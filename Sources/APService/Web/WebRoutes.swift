import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PGDriver
import Synchronization

/// The managers' dashboard: server-rendered pages at `/`, behind the same accounts as the API. A
/// manager signs in by pasting their API token into a form; the browser then holds a session cookie
/// (HttpOnly, SameSite=Strict, 8 hours at most, never longer than the token). Every form carries a
/// CSRF token: the session's, or before sign-in a random one also set as a cookie.
extension API {
    static let sessionCookie = "ap_session", csrfCookie = "ap_csrf"

    /// The signed-in manager, or a redirect to the sign-in page.
    /// A session opened with a first or reset password reaches no page but the one to change it.
    func webSession(_ req: Request, changingPassword: Bool = false) async throws -> WebSessionStore.Session? {
        guard let id = req.cookies[Self.sessionCookie]?.value else { return nil }
        let now = clock()
        let session = try await pool.withConnection { c in try WebSessionStore.find(c, id: id, now: now) }
        if let session, session.passwordMustChange, !changingPassword { throw SeeOther(location: "/password") }
        return session
    }

    static func redirect(_ to: String, cookies: [Cookie] = []) -> Response {
        var r = Response(status: .seeOther, headers: [.location: to])
        for c in cookies { r.setCookie(c) }
        return r
    }

    static func form(_ req: Request) async throws -> [String: String] {
        Dictionary(try await formPairs(req), uniquingKeysWith: { $1 })
    }

    /// Every name and value a form sent, in order: a group of checkboxes sends one name several times.
    static func formPairs(_ req: Request) async throws -> [(String, String)] {
        let buffer = try await req.body.collect(upTo: 16 * 1024)
        return String(buffer: buffer).split(separator: "&").compactMap { pair in
            let kv = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return kv.count == 2 ? (kv[0], kv[1]) : nil
        }
    }

    func webRoutes(_ r: Router<APRequestContext>) {
        // Where a signed-in account starts: the overview for managers and admins, the roll for the shift.
        r.get("/") { req, _ in
            guard let s = try await webSession(req) else { return Self.redirect("/sign-in") }
            return Self.redirect(try await home(s))
        }

        r.get("sign-in") { req, _ in
            let key = try await formKey.get(pool)
            let kept = req.cookies[Self.csrfCookie].map(\.value).flatMap {
                WebSessionStore.isIssuedCSRF($0, key: key) ? $0 : nil
            }
            return Self.signInPage(csrf: kept ?? WebSessionStore.newCSRF(key: key))
        }

        r.post("sign-in") { req, _ in try await signIn(req) }

        // Sign-out ends the session on the server. One posted without the session's own CSRF token (from
        // another site, or a stale page) is refused and changes nothing, cookie included: clearing the
        // cookie while the session lived on would tell the user they had signed out when they had not.
        r.post("sign-out") { req, _ in
            let form = try await Self.form(req)
            let cleared = Cookie(
                name: Self.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict)
            guard let session = try await webSession(req), let id = req.cookies[Self.sessionCookie]?.value else {
                return Self.redirect("/sign-in", cookies: [cleared])
            }
            guard let csrf = form["csrf"], csrf == session.csrf else {
                throw WebPage(
                    status: .forbidden, title: "Not signed out",
                    text:
                        "That sign-out did not come from one of this site's pages, so you are still signed in. Use "
                        + "the Sign out button."
                )
            }
            let now = clock()
            try await pool.withConnection { c in
                try WebSessionStore.end(c, id: id, actor: session.principal.actor, now: now)
            }
            return Self.redirect("/sign-in", cookies: [cleared])
        }

        r.get("overview") { req, _ in
            guard let s = try await webSession(req) else { return Self.redirect("/sign-in") }
            guard s.principal.account.role != .staff else { return Self.redirect(try await home(s)) }
            let p = s.principal
            let premises = try await reads.withConnection { c in
                try PremisesStore.list(c, ids: p.premisesIds.map { Array($0) }).sorted { $0.code < $1.code }
            }
            // Each premises' tonight (its own curfew in progress or next to begin): the figures are that night's.
            let nights = premises.map { tonight($0) }
            let today = nights.max() ?? today()
            let (reports, alerts) = try await reads.withConnection { c in
                let ids = premises.map(\.id)
                let reports = try OccupancyReportStore.reports(
                    c, premisesIds: ids, nights: Nights(from: today.adding(days: -89), to: today.adding(days: 1))!,
                    today: today)
                return (reports, try AlertStore.openCounts(c, premisesIds: ids))
            }
            let cards = zip(premises, reports).enumerated().map { i, pair -> [String: Any] in
                let (premises, report) = pair
                let tonight = (report.daily.last { $0.occupancy.night == nights[i] } ?? report.daily.last!).occupancy
                let openAlerts = alerts[premises.id] ?? 0
                return [
                    "code": premises.code, "name": premises.name, "beds": tonight.beds, "occupied": tonight.occupied,
                    "free": tonight.free, "outOfService": tonight.outOfService, "openAlerts": openAlerts,
                    "alerting": openAlerts > 0,
                    "chart": Chart.occupancy(
                        report.daily.map(\.occupancy), title: "\(premises.code): occupancy, last 90 nights",
                        id: "c-\(premises.code)", today: today, table: false),
                ]
            }
            var model: [String: Any] = [
                "title": "Occupancy overview", "count": premises.count, "cards": cards,
                "admin": p.account.role == .admin,
            ]
            if Set(nights).count == 1 { model["tonight"] = today.weekdayDayAndMonth }
            return Self.page("overview", model, s, nil, nil)
        }

        r.get("premises/{code}") { req, ctx in
            guard let s = try await webSession(req) else { return Self.redirect("/sign-in") }
            let premises = try await Self.webPremises(pool, s, ctx.parameters.get("code") ?? "")
            let today = today()
            let (forecast, incidents) = try await reads.withConnection { c in
                (
                    try OccupancyReportStore.forecast(c, premisesIds: [premises.id], today: today)[0],
                    try IncidentStore.list(c, premisesId: premises.id, since: Date().addingTimeInterval(-30 * 86_400))
                )
            }
            // From the primary, not the replica: an alert is read where it was raised, at once.
            let openAlerts = try await pool.withConnection { c in
                try AlertStore.list(c, premisesId: premises.id, since: today.adding(days: -7), openOnly: true)
                    .filter(\.isOpen)
            }
            let zone = zone(premises)
            var model: [String: Any] = [
                "title": "\(premises.code) \(premises.name)",
                "alerts": openAlerts.map { a -> [String: String] in
                    [
                        "night": a.night.weekdayDayAndMonth,
                        "kind": a.kind.rawValue.spoken + (a.escalate ? ", ESCALATE" : ""),
                        "resident": "\(a.residentName) (\(a.crn))",
                    ]
                },
                "hasAlerts": !openAlerts.isEmpty,
                "forecast": Chart.occupancy(
                    forecast.nights, title: "\(premises.code): expected occupancy, next 28 nights",
                    id: "f-\(premises.code)"),
                "firstFull": forecast.firstFullNight.map { "\($0)" } ?? "none in the next 28 nights",
                "incidents": incidents.map { i -> [String: String] in
                    [
                        "when": "\(Zone.local(i.draft.occurredAt, in: zone).date)",
                        "severity": i.draft.severity.rawValue,
                        "category": i.draft.category.rawValue.spoken, "status": i.status.rawValue,
                    ]
                },
                "hasIncidents": !incidents.isEmpty,
            ]
            model["summary"] = true
            return Self.page("premises", model, s, premises, .summary)
        }

        r.get("premises/{code}/occupancy-report") { req, ctx in
            guard let s = try await webSession(req) else { return Self.redirect("/sign-in") }
            let (premises, nights, report) = try await monthOccupancyReport(req, ctx, s)
            let t = report.totals
            let pct = { (d: Double?) in d.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
            let num = { (d: Double?) in d.map { String(format: "%.2f", $0) } ?? "–" }
            let month = "\(nights.from.year)-\(String(format: "%02d", nights.from.month))"
            let figures: [(String, String)] = [
                ("Bed nights available", "\(t.bedNightsAvailable)"), ("Bed nights occupied", "\(t.bedNightsOccupied)"),
                ("Occupancy", pct(t.occupancyRate)), ("Voids (empty bed nights)", "\(t.voids)"),
                ("Nights overbooked", "\(t.overbookedNights)"), ("Arrivals (expected ones included)", "\(t.arrivals)"),
                ("Departures (expected ones included)", "\(t.departures)"),
                ("Average length of stay of departures (nights)", num(report.averageLengthOfStay)),
                ("Curfew alerts per 100 resident nights", num(report.curfewAlertsPer100ResidentNights)),
                ("Incidents per 1,000 bed nights", num(report.incidentsPer1000BedNights)),
            ]
            let model: [String: Any] = [
                "title": "\(premises.code) report, \(month)", "month": month,
                "figures": figures.map { ["name": $0.0, "value": $0.1] },
                "departures": report.departuresByReason.sorted { $0.key < $1.key }.map {
                    ["reason": $0.key.spoken, "count": "\($0.value)"]
                },
                "chart": Chart.occupancy(
                    report.daily.map(\.occupancy), title: "\(premises.code): occupancy in \(month)",
                    id: "m-\(premises.code)"),
            ]
            return Self.page("occupancy-report", model, s, premises, .report)
        }

        r.get("premises/{code}/occupancy-report.csv") { req, ctx in
            guard let s = try await webSession(req) else { return Self.redirect("/sign-in") }
            let (premises, nights, report) = try await monthOccupancyReport(req, ctx, s)
            return CSV.daily(report).response(
                name: "occupancy-\(premises.code)-\(nights.from.year)-\(String(format: "%02d", nights.from.month))")
        }
    }

    /// The month a report page asks for (`month=YYYY-MM`), at a premises the manager may see.
    func monthOccupancyReport(_ req: Request, _ ctx: APRequestContext, _ s: WebSessionStore.Session) async throws -> (
        Premises, Nights, OccupancyReport
    ) {
        let premises = try await Self.webPremises(pool, s, ctx.parameters.get("code") ?? "")
        let today = today()
        let nights = try Self.month(req.query("month"), today: today)
        let report = try await reads.withConnection { c in
            try OccupancyReportStore.reports(c, premisesIds: [premises.id], nights: nights, today: today)[0]
        }
        return (premises, nights, report)
    }

    func signIn(_ req: Request) async throws -> Response {
        let form = try await Self.form(req)
        let key = try await formKey.get(pool)
        guard let csrf = form["csrf"], let cookie = req.cookies[Self.csrfCookie]?.value, csrf == cookie,
            WebSessionStore.isIssuedCSRF(csrf, key: key)
        else {
            return Self.signInPage(
                csrf: WebSessionStore.newCSRF(key: key),
                errors: [.init(field: "username", message: "The form had expired: please sign in again")],
                status: .forbidden)
        }
        if form["token"] == nil { return try await signInWithPassword(req, form, csrf: csrf) }
        let token = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let now = clock()
        let opened: Result<(id: String, session: WebSessionStore.Session), AccountStore.Refusal> =
            try await pool.withConnection { c in try WebSessionStore.open(c, token: token, now: now) }
        // A system's token (the worker's, an integration's) opens no page: the pages are for people.
        guard case .success(let (id, session)) = opened,
            ![.worker, .integration].contains(session.principal.account.role)
        else {
            return Self.signInPage(
                csrf: csrf,
                errors: [
                    .init(
                        field: "token", message: "That token was not accepted: check it, or ask an admin for a new one")
                ],
                status: .unauthorized)
        }
        return Self.redirect(try await home(session), cookies: sessionCookies(req, id, session, now))
    }

    /// A signed-in account's first page: the overview, or for the shift the roll of the premises it works at.
    func home(_ s: WebSessionStore.Session) async throws -> String {
        guard s.principal.account.role == .staff else { return "/overview" }
        let ids = s.principal.premisesIds.map { Array($0) } ?? []
        let premises = try await pool.withConnection { c in try PremisesStore.list(c, ids: ids) }
        guard let first = premises.sorted(by: { $0.code < $1.code }).first else { return "/sign-in" }
        return "/premises/\(first.code)/roll"
    }

    /// The premises a code names, if the signed-in manager may see it: 404 otherwise, as for a code that does not
    /// exist.
    static func webPremises(_ pool: PGPool, _ s: WebSessionStore.Session, _ code: String) async throws -> Premises {
        let p = s.principal
        let found = try await pool.withConnection { c in try PremisesStore.get(c, code: code) }
        guard let found, p.maySee(premises: found.id), [.manager, .admin].contains(p.account.role) else {
            throw WebPage(status: .notFound, title: "Not found", text: "There is no premises \(code) that you may see.")
        }
        return found
    }

    /// The nights of a month given as YYYY-MM (this month by default).
    static func month(_ text: String?, today: LocalDate) throws -> Nights {
        var year = today.year
        var month = today.month
        if let text {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, (2000...2100).contains(parts[0]), (1...12).contains(parts[1]) else {
                throw WebPage(status: .badRequest, title: "Bad month", text: "Give the month as YYYY-MM.")
            }
            year = parts[0]
            month = parts[1]
        }
        let first = LocalDate(year: year, month: month, day: 1)!
        return Nights(from: first, to: first.adding(days: LocalDate.daysIn(month: month, year: year)))!
    }

}

/// An error shown as a page, not a problem document.
/// A redirect thrown from deep in a page's handling (a session that must change its password first).
struct SeeOther: Error, PageAnswer {
    let location: String
    var status: HTTPResponse.Status { .seeOther }
    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

struct WebPage: Error, PageAnswer {
    let status: HTTPResponse.Status
    let title: String
    let text: String
    func response(from request: Request, context: some RequestContext) throws -> Response {
        HTML.response(Templates.render("error", ["title": title, "text": text, "hasErrors": false]), status: status)
    }
}

/// The sign-in form's signing key (sql/0019_web_form_key.sql), read once a process.
final class FormKey: Sendable {
    private let key = Mutex<String?>(nil)

    func get(_ pool: PGPool) async throws -> String {
        if let known = key.withLock({ $0 }) { return known }
        let read = try await pool.withConnection { c in try WebSessionStore.formKey(c) }
        key.withLock { $0 = read }
        return read
    }
}
