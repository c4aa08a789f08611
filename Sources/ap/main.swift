import APCLI

await APCommand.runFromCommandLine()
