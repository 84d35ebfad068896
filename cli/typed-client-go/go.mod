module ticketmatic-sign/cli/typed-client-go

go 1.19
