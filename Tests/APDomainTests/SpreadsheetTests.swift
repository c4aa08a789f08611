import APDomain
import Civil
import Testing

/// CSV and dates as spreadsheets export them (the import's reading, and the pages' dates).
@Suite struct SpreadsheetTests {
    @Test func rowsAsRFC4180HasThem() {
        let text = "\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\r\n1,,3\n4,5"
        #expect(
            Spreadsheet.rows(text) == [
                ["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["1", "", "3"], ["4", "5"],
            ])
        #expect(Spreadsheet.rows("") == [])
    }

    @Test(arguments: [
        ("1990-03-27", LocalDate(year: 1990, month: 3, day: 27)),
        ("27/03/1990", LocalDate(year: 1990, month: 3, day: 27)),
        ("1/12/2026", LocalDate(year: 2026, month: 12, day: 1)), ("1/1/90", nil), ("31/02/2020", nil), ("12/2026", nil),
        ("27//1990", nil), ("soon", nil),
    ])
    func datesAsPeopleWriteThem(text: String, date: LocalDate?) {
        #expect(Spreadsheet.date(text) == date)
    }
}
