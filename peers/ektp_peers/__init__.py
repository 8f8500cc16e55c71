"""The peers the suite talks to where the real thing cannot run here (a telco's SMS gateway and SMSC, a card
printer, a mail server for tests, the local S3 server): each speaks the real protocol over a socket. The
launcher and the tests start them; no service's package contains them."""
