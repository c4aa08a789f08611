import Civil

/// Files as spreadsheets export them: CSV (RFC 4180) and dates as people in the UK write them.
public enum Spreadsheet {
    /// The rows of a CSV text: fields quoted when they hold a comma, a quote or a line break; lines ending in CRLF
    /// or LF; a byte-order mark at the start ignored; blank lines left out.
    public static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)[...]
        func endRow() {
            row.append(field)
            if row != [""] { rows.append(row) }
            row = []
            field = ""
        }
        while let ch = chars.popFirst() {
            if quoted {
                if ch == "\"" {
                    if chars.first == "\"" {
                        field.append("\"")
                        chars = chars.dropFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(ch)
                }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                row.append(field)
                field = ""
            } else if ch == "\r\n" || ch == "\n" || ch == "\r" {
                endRow()
            } else {
                field.append(ch)
            }
        }
        if !field.isEmpty || !row.isEmpty { endRow() }
        return rows
    }

    /// A date written YYYY-MM-DD, or DD/MM/YYYY (D/M/YYYY too) as a UK spreadsheet exports it; nil for anything
    /// else. A two-digit year is refused: 1/1/90 could be a birth in 1990 or a typing slip, and the record is evidence.
    public static func date(_ text: String) -> LocalDate? {
        if let iso = LocalDate(text) { return iso }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 3, let d = parts[0], let m = parts[1], let y = parts[2], y >= 1000 else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }
}
