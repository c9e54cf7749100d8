/* auth password policy data: the blocklist of today's original
 * (backend/app/domains/identity_access/password_policy.py,
 * COMMON_PASSWORDS: 195 lower-case strings), carried over verbatim and
 * sorted bytewise for bsearch (tests/unit/auth checks the order and
 * the count). */
#include "components/auth/policy.h"

const char *const auth_common_passwords[] = {
    "000000", "101010", "111111", "111222", "112233", "121212", "123123", "123321", "12341234", "12345", "123456",
    "1234567", "12345678", "123456789", "1234567890", "1234qwer", "147258369", "159753", "1q2w3e4r", "1q2w3e4r5t",
    "1qaz2wsx", "202020", "222222", "555555", "654321", "666666", "777777", "789456", "888888", "987654321", "999999",
    "a1b2c3d4", "aaaa1111", "aaaaaa", "abc123", "abcd1234", "abcdefg", "abcdefgh", "access", "admin", "admin1",
    "admin123", "admin2024", "administrator", "amanda", "andrew", "android", "apple", "apple123", "asd123", "asdfgh",
    "asdfghjkl", "ashley", "autumn", "azerty", "banana", "baseball", "basketball", "batman", "biteme", "buster",
    "changeit", "changeme", "charlie", "cheese", "chelsea", "chrome", "computer", "daniel", "default", "diamond",
    "dragon", "dragon1", "firefox", "flower", "football", "football1", "freedom", "george", "ginger", "google",
    "guest", "hannah", "hannah1", "harley", "harley1", "hello", "hello1", "hello123", "helloworld", "hockey",
    "hotmail", "hunter", "iloveyou", "iloveyou1", "iloveyou2", "internet", "iphone", "jennifer", "jessica", "jesus",
    "jesus1", "jordan", "joshua", "letmein", "letmein1", "letmein123", "login", "loveme", "manager", "master",
    "master1", "matrix", "matthew", "michael", "michael1", "michelle", "money", "monkey", "monkey1", "mustang",
    "mypassword", "nascar", "newpassword", "nicole", "notpassword", "orange", "p4ssw0rd", "p4ssword", "p@ssw0rd",
    "p@ssword", "pass1234", "passw0rd", "passw0rd1", "passw0rd123", "password", "password!", "password1",
    "password12", "password123", "password2023", "password2024", "passwordpassword", "poiuyt", "pokemon", "princess",
    "q1w2e3r4", "qazwsx", "qwe123", "qwer1234", "qwerty", "qwerty1", "qwerty123", "qwerty2024", "qwertyuiop",
    "ranger", "robert", "root", "samsung", "secret", "shadow", "soccer", "soccer1", "spiderman", "spring",
    "spring2024", "starwars", "summer", "summer2023", "summer2024", "sunshine", "superman", "system", "taylor",
    "temppassword", "test", "test123", "thomas", "tigger", "toor", "trustno1", "user", "welcome", "welcome!",
    "welcome1", "welcome123", "welcome2024", "whatever", "winter", "winter2024", "yahoo", "zaq12wsx", "zxc123",
    "zxcvbn", "zxcvbnm",
};

const size_t auth_common_passwords_n = sizeof auth_common_passwords / sizeof auth_common_passwords[0];
