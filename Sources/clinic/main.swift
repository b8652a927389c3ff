import Server
ClinicCommand.main()
