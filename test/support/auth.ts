import request from 'supertest';

/** The admin key every test app is started with (ADMIN_API_KEY). */
export const TEST_ADMIN_KEY = 'ty_test-admin-key-0123456789abcdef';

export const bearer = (key: string): { Authorization: string } => ({
  Authorization: `Bearer ${key}`,
});

export const ADMIN = bearer(TEST_ADMIN_KEY);

/** A fresh user key of `tenant`, made through the admin API. */
export async function createUserKey(
  baseUrl: string,
  tenant: string,
  name = 'test',
): Promise<string> {
  const response = await request(baseUrl)
    .post('/api/v1/admin/keys')
    .set(ADMIN)
    .send({ tenant, name })
    .expect(201);
  return (response.body as { key: string }).key;
}
