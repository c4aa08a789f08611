import APDomain
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Server-rendered pages: plain HTML, no scripts, escaped at every insertion.
enum HTML {
    /// Escapes for HTML text and attribute values; a control or text-direction character (refused by the
    /// service, but perhaps stored before it was) is written out as `<U+202E>` rather than acting on the page.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in TextRules.visible(s, keepingNewLines: true) {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    static let style = """
        body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}
        header{background:#0b0c0c;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
        header a{color:#fff}header form{margin-left:auto}
        main{padding:1rem;max-width:72rem;margin:auto}
        a{color:#1d4f91}a:focus,button:focus,input:focus{outline:3px solid #fd0;outline-offset:2px}
        table{border-collapse:collapse;margin:.5rem 0 1rem;font-variant-numeric:tabular-nums}
        th,td{border-bottom:1px solid #b1b4b6;padding:.25rem .6rem;text-align:left}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1rem}
        .card{border:1px solid #b1b4b6;padding:.8rem}
        .figures{display:flex;flex-wrap:wrap;gap:1rem}.figures div{min-width:5rem}.figures
            b{display:block;font-size:1.6rem}
        .warn{color:#b10e1e;font-weight:bold}
        .scroll{overflow-x:auto}
        svg{max-width:100%;height:auto}
        button,input{font:inherit;padding:.4rem .8rem}
        @media print{header form{display:none}}
        """

    /// A whole page. `csrf` present: the header carries a sign-out form.
    static func page(_ title: String, csrf: String? = nil, who: String? = nil, _ body: String) -> String {
        var head = "<a href=\"/overview\">Approved Premises</a>"
        if let csrf, let who {
            head +=
                "<span>\(escape(who))</span><form method=\"post\" action=\"/sign-out\"><input type=\"hidden\" "
                + "name=\"csrf\" value=\"\(escape(csrf))\">"
                + "<button type=\"submit\">Sign out</button></form>"
        }
        return """
            <!doctype html>
            <html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport"
                content="width=device-width, initial-scale=1">
            <title>\(escape(title)) – Approved Premises</title><style>\(style)</style></head>
            <body><header>\(head)</header><main id="main"><h1>\(escape(title))</h1>
            \(body)
            </main></body></html>
            """
    }

    static func table(_ caption: String, _ header: [String], _ rows: [[String]], raw: Bool = false) -> String {
        var s = "<div class=\"scroll\"><table><caption>\(escape(caption))</caption><thead><tr>"
        s += header.map { "<th scope=\"col\">\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows { s += "<tr>" + row.map { "<td>\(raw ? $0 : escape($0))</td>" }.joined() + "</tr>" }
        return s + "</tbody></table></div>"
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response
    {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        // No framing, no third parties, and no script but the service's own files (the live alerts' banner):
        // nothing inline, so markup that slipped into a page could not run.
        headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        for field in extra { headers.append(field) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
