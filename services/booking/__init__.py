"""Booking: day-part capacity, bookings, waitlist, attendance and warm handover."""
