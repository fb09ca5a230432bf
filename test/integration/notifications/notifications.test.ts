// The notification inbox through the API: one notification per event however
// often it is processed, listed newest first with paging and unreadOnly,
// counted, marked read one by one or all at once, someone else's not found,
// and pushed live over graphql-ws to its owner only.
import { describe, expect, it } from 'vitest';
import { db } from '../../../server/db/client.js';
import { createNotification, notify, type NotificationInput } from '../../../server/notifications/notify.js';
import { graphql } from '../../gql/index.js';
import { useTestApp, wsCollect, wsOnce } from '../../helpers/app.js';
import { createUser, useUsers } from '../../helpers/factories.js';
import { ofType } from '../../helpers/graphql-client.js';

const t = useTestApp();
const [alice, bob] = useUsers(t, 2);

const input = (ownerId: string, n: number, extra: Partial<NotificationInput> = {}): NotificationInput => ({
  ownerId,
  type: 'JOB_COMPLETED',
  title: `Training "run ${n}" completed`,
  message: `Run ${n} finished.`,
  priority: 'NORMAL',
  link: `/training/jobs/job-${n}`,
  metadata: { n },
  dedupeKey: `test:${ownerId}:${n}`,
  ...extra,
});

const LIST = graphql(`
  query NotificationsList($first: Int, $after: String, $unreadOnly: Boolean) {
    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id type title message priority link metadata read readAt createdAt } }
    }
    unreadNotificationCount
  }
`);
const MARK = graphql(`
  mutation NotificationsMark($id: ID!) {
    markNotificationRead(id: $id) {
      __typename
      ... on MarkNotificationReadPayload { unreadCount notification { id read readAt } }
      ... on NotFoundError { id type }
    }
  }
`);
const MARK_ALL = graphql(`mutation NotificationsMarkAll { markAllNotificationsRead { count readAt unreadCount } }`);
const ADDED = graphql(`
  subscription NotificationsAdded { notificationAdded { id type title priority link metadata readAt } }
`);
const NODE = graphql(`query NotificationsNode($id: ID!) { node(id: $id) { id } }`);
const UNREAD_COUNT = graphql(`query NotificationsUnreadCount { unreadNotificationCount }`);

describe('the inbox', () => {
  it('holds one notification per event, newest first, pages, counts unread, marks read one by one and all at once', async () => {
    // Each event processed twice (a retried job, a duplicate callback): one notification.
    for (let n = 1; n <= 5; n++) {
      const first = await createNotification(input(alice.id, n, { priority: n === 5 ? 'HIGH' : 'NORMAL' }));
      expect(first).toBeTruthy();
      expect(await createNotification(input(alice.id, n, { title: 'the same event again' }))).toBeNull();
      await new Promise((r) => setTimeout(r, 5)); // distinct createdAt, so the order is the order of events
    }
    const page1 = await t.gqlData(LIST, { first: 2 }, alice.token);
    expect(page1.notifications.totalCount).toBe(5);
    expect(page1.unreadNotificationCount).toBe(5);
    expect(page1.notifications.pageInfo.hasNextPage).toBe(true);
    expect(page1.notifications.edges.map((e) => e.node.title)).toEqual(['Training "run 5" completed', 'Training "run 4" completed']);
    expect(page1.notifications.edges[0]?.node).toMatchObject({
      type: 'JOB_COMPLETED',
      priority: 'HIGH',
      link: '/training/jobs/job-5',
      metadata: { n: 5 },
      read: false,
      readAt: null,
    });
    const page2 = await t.gqlData(LIST, { first: 10, after: page1.notifications.pageInfo.endCursor }, alice.token);
    expect(page2.notifications.edges.map((e) => e.node.title)).toEqual(['run 3', 'run 2', 'run 1'].map((r) => `Training "${r}" completed`));
    expect(page2.notifications.pageInfo.hasNextPage).toBe(false);

    // Mark one read: twice keeps the first readAt.
    const third = page2.notifications.edges[0]!.node;
    const marked = ofType((await t.gqlData(MARK, { id: third.id }, alice.token)).markNotificationRead, 'MarkNotificationReadPayload');
    expect(marked).toMatchObject({ unreadCount: 4, notification: { id: third.id, read: true } });
    const again = ofType((await t.gqlData(MARK, { id: third.id }, alice.token)).markNotificationRead, 'MarkNotificationReadPayload');
    expect(again.notification.readAt).toBe(marked.notification.readAt);
    expect(again.unreadCount).toBe(4);

    const unread = await t.gqlData(LIST, { first: 10, unreadOnly: true }, alice.token);
    expect(unread.notifications.totalCount).toBe(4);
    expect(unread.notifications.edges.map((e) => e.node.id)).not.toContain(third.id);
    expect(unread.unreadNotificationCount).toBe(4);

    const all = (await t.gqlData(MARK_ALL, {}, alice.token)).markAllNotificationsRead;
    expect(all).toMatchObject({ count: 4, unreadCount: 0 });
    const after = await t.gqlData(LIST, { first: 10 }, alice.token);
    expect(after.unreadNotificationCount).toBe(0);
    expect(after.notifications.edges.every((e) => e.node.read)).toBe(true);
    expect(after.notifications.edges.find((e) => e.node.id === third.id)?.node.readAt).toBe(marked.notification.readAt);
    expect((await t.gqlData(MARK_ALL, {}, alice.token)).markAllNotificationsRead.count).toBe(0);
  });

  it("treats someone else's notification as not found, and shows none of it", async () => {
    await createNotification(input(bob.id, 1));
    const bobs = (await t.gqlData(LIST, { first: 10 }, bob.token)).notifications.edges[0]!.node;
    const res = (await t.gqlData(MARK, { id: bobs.id }, alice.token)).markNotificationRead;
    expect(res).toMatchObject({ __typename: 'NotFoundError', type: 'Notification' });
    expect((await db.notification.findFirstOrThrow({ where: { ownerId: bob.id } })).readAt).toBeNull();
    expect((await t.gqlData(NODE, { id: bobs.id }, alice.token)).node).toBeNull();
    const alices = (await t.gqlData(LIST, { first: 50 }, alice.token)).notifications.edges.map((e) => e.node.id);
    expect(alices).not.toContain(bobs.id);
    // Bob's count is his own.
    expect((await t.gqlData(LIST, { first: 1 }, bob.token)).unreadNotificationCount).toBe(1);
    // Without a token: refused.
    const anonymous = await t.gql(UNREAD_COUNT, {}, null);
    expect(anonymous.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });
});

describe('notificationAdded', () => {
  it("pushes the caller's own new notifications live, once each, and never someone else's", async () => {
    const carol = await createUser(t);
    const received = wsCollect(t.ws(carol.token), ADDED, {}, (r) => r.length >= 2, 15_000);
    const bobsStream = wsCollect(t.ws(bob.token), ADDED, {}, (r) => r.some((n) => n.notificationAdded.title === "for bob's eyes"), 15_000);
    await new Promise((r) => setTimeout(r, 500)); // both subscriptions are listening
    await notify(t.app.services, input(carol.id, 1, { type: 'ARTIFACT_READY', priority: 'NORMAL', title: 'Model ready', link: '/models/m-1' }));
    await notify(t.app.services, input(carol.id, 1, { title: 'duplicate of event 1' })); // the same event: not pushed again
    await notify(t.app.services, input(carol.id, 2, { type: 'COST_CAP_REACHED', priority: 'HIGH', title: 'Cap reached' }));
    await notify(t.app.services, input(bob.id, 100, { title: "for bob's eyes" })); // last: anything of carol's leaked to bob arrives before it
    const pushed = (await received).map((r) => r.notificationAdded);
    // Publishes travel through PostgreSQL from pooled connections: compare regardless of arrival order.
    expect(pushed.map((n) => [n.type, n.title, n.priority]).sort()).toEqual([
      ['ARTIFACT_READY', 'Model ready', 'NORMAL'],
      ['COST_CAP_REACHED', 'Cap reached', 'HIGH'],
    ]);
    expect(pushed.find((n) => n.type === 'ARTIFACT_READY')).toMatchObject({ link: '/models/m-1', metadata: { n: 1 }, readAt: null });
    expect((await bobsStream).map((r) => r.notificationAdded.title)).toEqual(["for bob's eyes"]);
  });

  it('refuses an unauthenticated subscriber', async () => {
    const result = await wsOnce(t.ws(null), ADDED);
    expect(result.data?.notificationAdded).toBeUndefined();
    expect(result.errors?.length ?? result.closeCode).toBeTruthy();
  });
});
