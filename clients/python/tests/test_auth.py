"""Credentials against the real server: login, token renewal, API keys with HMAC signatures."""
import base64
import json
import time
import unittest
import uuid

from tests.support import DEMO_PASSWORD, demo_server

from mystocks import Client, MyStocksError


def fake_token(exp):
    """A JWT-shaped token the server refuses (bad signature), expiring at exp."""
    encode = lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")  # noqa: E731
    return f"{encode({'alg': 'HS256'})}.{encode({'iat': exp - 900, 'exp': exp})}.c2ln"


class AuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = demo_server()
        cls.demo = Client(cls.server.url, username="demo", password=DEMO_PASSWORD)

    @classmethod
    def tearDownClass(cls):
        cls.demo.close()

    def test_login_signs_in_as_the_user(self):
        me = self.demo.me()
        self.assertEqual((me["username"], me["roles"], me["auth_method"]),
                         ("demo", ["trader"], "bearer"))

    def test_wrong_password_raises_unauthenticated(self):
        with self.assertRaises(MyStocksError) as raised:
            Client(self.server.url, username="demo", password="wrong-password")
        self.assertEqual((raised.exception.status, raised.exception.code), (401, 3000))

    def test_a_refused_token_is_renewed_once_with_the_refresh_token(self):
        tokens = self.server.login()
        client = Client(self.server.url, token=fake_token(time.time() + 600),
                        refresh_token=tokens["refresh_token"])
        self.assertEqual(len(client.watchlists().columns) > 0, True)  # 401, renewed, retried
        self.assertNotEqual(client.access_token.split(".")[2], "c2ln")

    def test_an_expiring_token_is_renewed_before_it_is_sent(self):
        tokens = self.server.login()
        client = Client(self.server.url, token=fake_token(time.time() + 5),
                        refresh_token=tokens["refresh_token"])
        self.assertNotEqual(client.access_token.split(".")[2], "c2ln")
        client.watchlists()

    def test_a_refused_token_without_refresh_raises(self):
        client = Client(self.server.url, token=fake_token(time.time() + 600))
        with self.assertRaises(MyStocksError) as raised:
            client.watchlists()
        self.assertEqual(raised.exception.name, "UNAUTHENTICATED")

    def test_api_key_signs_gets_with_queries_and_posts_with_bodies(self):
        key = self.demo.create_api_key(f"pytest-{uuid.uuid4().hex[:8]}")
        signed = Client(self.server.url, api_key=key["key_id"], secret=key["secret"])
        # A query with names out of order, a space, a plus and non-ASCII text.
        found = signed.symbols(q="银行 +x")
        self.assertEqual(len(found), 0)
        symbol = self.demo.symbols().index[0]
        bars = signed.kline(symbol, "1d", limit=3, adjust="none")
        self.assertEqual(len(bars), 3)
        name = f"signed-{uuid.uuid4().hex[:8]}"
        created = signed.create_watchlist(name, [symbol])
        self.assertIn(created["id"], self.demo.watchlists().index)  # same owner as the key
        signed.delete_watchlist(created["id"])
        keys = self.demo.api_keys()
        self.assertIn(key["key_id"], keys.index)
        self.demo.revoke_api_key(key["key_id"])
        with self.assertRaises(MyStocksError) as raised:
            signed.watchlists()
        self.assertEqual(raised.exception.name, "UNAUTHENTICATED")

    def test_a_wrong_secret_raises_with_the_code_and_request_id(self):
        key = self.demo.create_api_key(f"pytest-{uuid.uuid4().hex[:8]}")
        forged = Client(self.server.url, api_key=key["key_id"], secret=key["secret"] + "x")
        with self.assertRaises(MyStocksError) as raised:
            forged.watchlists()
        error = raised.exception
        self.assertEqual((error.status, error.code, error.name), (401, 3000, "UNAUTHENTICATED"))
        self.assertIn("signature", error.message)
        self.assertTrue(error.request_id)

    def test_conflicting_credentials_are_refused_before_any_request(self):
        with self.assertRaisesRegex(ValueError, "token and api_key/secret"):
            Client(self.server.url, token="t", api_key="k", secret="s")
        with self.assertRaisesRegex(ValueError, "api_key/secret: both"):
            Client(self.server.url, api_key="k")


if __name__ == "__main__":
    unittest.main()
