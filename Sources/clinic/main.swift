import Foundation
import Server

exit(await ClinicCommand.main())
