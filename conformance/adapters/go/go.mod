module ticketmatic-sign/conformance/adapters/go

go 1.19
