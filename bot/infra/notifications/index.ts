export {
  startNotifications,
  readDeadLetters,
  type NotificationRedis,
  type NotificationsOptions,
  type RunningNotifications,
} from './startNotifications';
export type { DeadLetter } from './deadLetters';
export { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './deliveryPolicy';
export { TEAMS_RATE_LIMITS, type RateLimits, type RateRule } from './rateLimits';
export { deliveryId } from './deliveryIds';
