import Foundation

exit(await ClinicCommand.main())
