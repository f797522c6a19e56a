/** The settings of a user, declared once (see field.ts). The password is not a setting: it is given, hashed, never shown. */
import { isValidUsername, MAX_USERNAME_LENGTH } from '../../core/users/usernames.ts';
import { invalid } from '../admin-error.ts';
import { ACCOUNT } from '../validate.ts';
import { attributes, boolean, list, text, type Field, type SettingsOf } from './field.ts';

export const DEFAULT_ROLE = 'User';
/** Phone numbers as people write them: digits with an optional leading +, spaces, dots, dashes, parentheses. */
export const PHONE_NUMBER = /^\+?[0-9](?:[0-9 ().-]{0,30}[0-9])?$/;

const USERNAME_RULE = `must be 1-${MAX_USERNAME_LENGTH} characters, without control characters or white space at either end`;

const username: Field<string> = {
  doc: 'Unique per tenant and matched case-insensitively; kept and shown as given',
  example: 'Jane.Doe@Example.com',
  schema: { type: 'string', minLength: 1, 'x-error': USERNAME_RULE, description: 'Unique per tenant and matched case-insensitively; kept and shown as given' },
  check(value, path) {
    if (typeof value !== 'string' || !isValidUsername(value)) throw invalid(path, USERNAME_RULE);
    return value;
  },
  flag: { name: 'username', kind: 'value', hint: 'NAME', read: (given) => given },
};

export const USER_SETTINGS = {
  username,
  role: text({ doc: 'Shown to apps (seed 003’s role)', pattern: /^[^\p{Cc}\p{Cf}]{1,128}$/u, explain: 'must be 1-128 characters without control characters', default: DEFAULT_ROLE, example: 'Administrator', flag: 'role', hint: 'ROLE' }),
  phoneNumbers: list({
    doc: 'Phone numbers (seed 001’s export)',
    item: text({ doc: 'A phone number', pattern: PHONE_NUMBER, explain: 'must be a phone number of digits, with an optional leading +', example: '+61280001234' }),
    default: [],
    flag: 'phones',
    hint: 'p1,p2',
  }),
  accounts: list({
    doc: 'Account numbers the user acts for; carried in the user’s tokens',
    item: text({ doc: 'An account number', pattern: ACCOUNT, explain: 'must be an account number of letters, digits, - or _', example: '20001' }),
    default: [],
    flag: 'accounts',
    hint: 'a1,a2',
  }),
  attributes: attributes({ doc: 'Free-form attributes (names to JSON values) that claim mappers can copy into the user’s tokens', example: { employeeId: 'E-1001' }, flag: 'attributes' }),
  enabled: boolean({ doc: 'A disabled user cannot log in or refresh, and their tokens stop working', default: true, flag: 'enable', off: 'disable' }),
};

export type UserSettings = SettingsOf<typeof USER_SETTINGS>;
