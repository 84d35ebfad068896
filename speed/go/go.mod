module ticketmatic-sign/speed/go

go 1.19

require ticketmatic-sign/conformance/adapters/go v0.0.0

replace ticketmatic-sign/conformance/adapters/go => ../../conformance/adapters/go
