import pytest

from ektp_shared.links import LinkKeyMissing, LinkSigner


def test_a_signed_link_works_until_it_expires():
    signer = LinkSigner("secret")
    link = signer.sign("/v1/enrolments/1/portrait", ttl_seconds=60, now=1000)
    path, _, query = link.partition("?")
    params = dict(part.split("=") for part in query.split("&"))
    assert signer.verify(path, params["expires"], params["signature"], now=1059)
    assert not signer.verify(path, params["expires"], params["signature"], now=1061)
    assert not signer.verify("/v1/enrolments/2/portrait", params["expires"], params["signature"], now=1000)
    assert not LinkSigner("other").verify(path, params["expires"], params["signature"], now=1000)
    assert not signer.verify(path, None, None)


def test_a_service_given_no_key_for_some_documents_neither_signs_nor_accepts_links_to_them():
    link = LinkSigner("secret").sign("/v1/documents/1", ttl_seconds=60, now=1000)
    path, _, query = link.partition("?")
    params = dict(part.split("=") for part in query.split("&"))
    keyless = LinkSigner("")
    assert not keyless.verify(path, params["expires"], params["signature"], now=1000)
    with pytest.raises(LinkKeyMissing):
        keyless.sign(path)
