#!/usr/bin/python3
"""console_browser.py - the web console in headless Chromium (Debian chromium,
chromium-driver, python3-selenium), driven by tests/it/test_console_browser.sh.

  console_browser.py main URL DB STATS_JSON SHOTS_DIR PASSWORD
      sign in through the form; the overview shows `langso stats --json`'s
      figures; a CSV with a bad row shows CSV:LINE and changes nothing; a notice
      composed to LD02 is sent; a commune user cannot reach another commune; the
      text <img src=x onerror=alert(1)> is shown as text on every page; no CSP
      violation; screenshots of each page (phone and desktop) into SHOTS_DIR.
  console_browser.py counts URL DB NOTICE_ID SHOTS_DIR PASSWORD
      the notices page shows the notice's delivered count once the DLRs are in.

Prints one "ok NAME" / "FAIL NAME" line per check; exits 1 if any failed.
"""
import json
import os
import sqlite3
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException, StaleElementReferenceException,
                                        TimeoutException)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

XSS = '<img src=x onerror=alert(1)>'
PHONE = (390, 844)      # a common smartphone viewport
DESKTOP = (1280, 900)
fails = 0


def check(name, cond, detail=''):
    global fails
    if cond:
        print('ok ' + name)
    else:
        fails += 1
        print('FAIL ' + name)
        if detail:
            print('#   ' + str(detail)[:600].replace('\n', '\n#   '))
    sys.stdout.flush()


def browser(size):
    o = Options()
    o.binary_location = '/usr/bin/chromium'
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
              '--lang=vi-VN', '--window-size=%d,%d' % size):
        o.add_argument(a)
    o.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    d = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=o)
    d.set_page_load_timeout(30)
    return d


def ready(d, timeout=20):
    WebDriverWait(d, timeout).until(
        lambda x: x.execute_script('return document.body.dataset.ready') == 'yes')


def sign_in(d, url, login, password):
    d.get(url + '/')
    d.find_element(By.ID, 'login').send_keys(login)
    d.find_element(By.ID, 'password').send_keys(password)
    d.find_element(By.ID, 'signin').click()
    WebDriverWait(d, 20).until(lambda x: x.current_url.endswith('/overview'))
    ready(d)


def no_alert(d):
    try:
        d.switch_to.alert.dismiss()
        return False
    except NoAlertPresentException:
        return True


def csp_violations(d):
    return [e['message'] for e in d.get_log('browser')
            if 'Content Security Policy' in e['message'] or 'Refused to' in e['message']]


def shot(d, shots, name, size):
    d.set_window_size(*size)
    time.sleep(0.3)
    # the whole page: as tall as its content, at the viewport's width
    h = d.execute_script('return document.documentElement.scrollHeight')
    d.set_window_size(size[0], min(max(h + 100, size[1]), 6000))
    time.sleep(0.3)
    d.save_screenshot(os.path.join(shots, 'console-%s-%s.png' % (name, 'phone' if size == PHONE else 'desktop')))
    d.set_window_size(*size)


def xss_is_text(d, page, text=XSS):
    main = d.find_element(By.ID, 'main')
    imgs = d.execute_script("return document.querySelectorAll('main img').length")
    check('%s: %s is shown as text' % (page, text), text in main.text, main.text[:300])
    check('%s: no element was made of it, no script ran' % page, imgs == 0 and no_alert(d))


def vi_number(n):
    return '{:,}'.format(n).replace(',', '.')


def counts(db):
    c = sqlite3.connect('file:%s?mode=ro' % db, uri=True, timeout=5)
    r = c.execute('select (select count(*) from villages), (select count(*) from people)').fetchone()
    c.close()
    return r


def phase_main(url, db, stats_path, shots, password):
    stats = json.load(open(stats_path))
    d = browser(PHONE)
    try:
        d.get(url + '/')
        check('the sign-in page is in Vietnamese', 'Đăng nhập' in d.page_source)
        shot(d, shots, 'login', PHONE)
        sign_in(d, url, 'tinh', password)
        check('sign-in through the form lands on the overview', d.current_url.endswith('/overview'))
        p = stats['province']
        for key, want in (('households', p['households']), ('listings', p['listings']),
                          ('orders', p['orders']), ('accepted', p['accepted'])):
            got = d.find_element(By.CSS_SELECTOR, '[data-k="%s"]' % key).text
            check('overview: %s is langso stats --json\'s %s' % (key, vi_number(want)), got == vi_number(want), got)
        got = d.find_element(By.CSS_SELECTOR, '[data-k="value"]').text
        check('overview: the transactions\' value is %s đ' % vi_number(p['value']), got == vi_number(p['value']) + ' đ', got)
        for c in stats['communes']:
            row = d.find_element(By.CSS_SELECTOR, '#communes tr[data-commune="%s"]' % c['commune'])
            cells = [td.text for td in row.find_elements(By.TAG_NAME, 'td')]
            check('overview: commune %s has its households and listings' % c['commune'],
                  cells[0] == vi_number(c['households']) and cells[3] == vi_number(c['listings']), cells)
        check('overview: three charts are drawn', d.execute_script(
            "return [...document.querySelectorAll('canvas')].filter(c => c.width > 0).length") == 3)
        xss_is_text(d, 'overview')
        shot(d, shots, 'overview', PHONE)
        shot(d, shots, 'overview', DESKTOP)

        # people: a CSV with a bad row
        d.get(url + '/people')
        ready(d)
        xss_is_text(d, 'people')
        before = counts(db)
        bad = os.path.join(shots, 'bad.csv')
        with open(bad, 'w') as f:
            f.write('phone,name,village_code,role\n0912000555,Lò Văn Mới,LD02,household\n0912,Sai Số,LD02,household\n')
        d.find_element(By.ID, 'i-file').send_keys(bad)
        d.find_element(By.CSS_SELECTOR, '#import-form button').click()
        WebDriverWait(d, 20).until(lambda x: x.find_elements(By.ID, 'import-errors'))
        errs = d.find_element(By.ID, 'import-errors').text
        check('a CSV with a bad row shows CSV:LINE: reason', 'bad.csv:3: bad phone number' in errs, errs)
        check('... and nothing was imported', counts(db) == before, (counts(db), before))
        # add a household through the form, its name straight from a spreadsheet
        d.find_element(By.ID, 'p-phone').send_keys('0912000902')
        d.find_element(By.ID, 'p-name').send_keys(XSS)
        Select(d.find_element(By.ID, 'p-village')).select_by_value('LD09')
        d.find_element(By.CSS_SELECTOR, '#person-form button').click()
        WebDriverWait(d, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda x: 'Đã lưu' in x.find_element(By.ID, 'person-msg').text)
        check('a household is added through the form', 'Đã lưu' in d.find_element(By.ID, 'person-msg').text)
        ready(d)
        shot(d, shots, 'people', PHONE)
        shot(d, shots, 'people', DESKTOP)

        # the market (a seller whose name came from a CSV) and the order sheet
        d.get(url + '/market')
        ready(d)
        xss_is_text(d, 'market')
        sheet = d.find_element(By.ID, 'sheet-table').text
        check('the order sheet lists the accepted order (seller, product, buyer)',
              'Hoàng Văn Châu' in sheet and 'Na' in sheet and '+84987000222' in sheet, sheet)
        shot(d, shots, 'market', PHONE)
        shot(d, shots, 'market', DESKTOP)
        # one phone's messages: the head's TB as it was typed
        d.get(url + '/messages?phone=0912345678')
        ready(d)
        xss_is_text(d, 'messages', 'TB ' + XSS)
        accepted = d.find_element(By.CSS_SELECTOR, '[data-k="sendsms_accepted"]').text
        check('the health figures show Kannel accepting messages (%s)' % accepted,
              accepted not in ('', '0') and d.find_element(By.CSS_SELECTOR, '[data-k="database"]').text == 'Ghi được')
        shot(d, shots, 'messages', DESKTOP)

        # notices: compose to LD02
        d.get(url + '/notices')
        ready(d)
        # the parser drops the '<' of a TB: the rest of the head's SMS is shown as sent
        xss_is_text(d, 'notices', '[TB Lang Don] img src=x onerror=alert(1)>')
        Select(d.find_element(By.ID, 'n-target')).select_by_value('v:LD02')
        d.find_element(By.ID, 'n-text').send_keys('Sáng mai 8h họp thôn ở nhà văn hoá')
        d.find_element(By.ID, 'n-urgent').click()
        WebDriverWait(d, 20).until(lambda x: x.find_elements(By.ID, 'n-sms'))
        check('the preview shows the SMS as it will go, with its parts and coding',
              'TB xa Chi Lang > Lang Don' in d.find_element(By.ID, 'n-sms').text and
              '1 tin nhắn (GSM-7)' in d.find_element(By.ID, 'n-parts').text,
              d.find_element(By.ID, 'n-preview').text)
        shot(d, shots, 'compose', PHONE)
        d.find_element(By.ID, 'n-send').click()
        WebDriverWait(d, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda x: 'Đã gửi TB #' in x.find_element(By.ID, 'notice-msg').text)
        msg = d.find_element(By.ID, 'notice-msg').text
        check('the notice is sent from the console', 'Đã gửi TB #' in msg, msg)
        print('# notice ' + msg.split('#')[1].split(' ')[0])
        ready(d)
        d.get(url + '/audit')
        ready(d)
        xss_is_text(d, 'audit')
        shot(d, shots, 'audit', DESKTOP)
        check('no Content-Security-Policy violation on any page', not csp_violations(d), csp_violations(d))
    finally:
        d.quit()

    # a commune user
    d = browser(PHONE)
    try:
        sign_in(d, url, 'chilang', password)
        d.get(url + '/overview?commune=' + 'Lộc Bình')
        ready(d)
        check('a commune user asking for another commune is refused (403 shown)',
              'chỉ xem được số liệu của xã mình' in d.find_element(By.ID, 'main').text,
              d.find_element(By.ID, 'main').text[:200])
        d.get(url + '/people')
        ready(d)
        communes = {td.text for td in d.find_elements(By.CSS_SELECTOR, '#people tbody tr td:nth-child(4)')}
        check('a commune user sees only its own households', communes == {'Chi Lăng'}, communes)
        d.get(url + '/people?village=LB01')
        ready(d)
        check('... and not another commune\'s village', 'không thuộc xã của bạn' in d.find_element(By.ID, 'main').text)
        audit = d.find_elements(By.CSS_SELECTOR, '#nav a[data-page="audit"]')
        check('... nor the audit link', not audit or not audit[0].is_displayed())
    finally:
        d.quit()


def phase_counts(url, db, notice, shots, password):
    d = browser(DESKTOP)
    try:
        sign_in(d, url, 'tinh', password)
        c = sqlite3.connect('file:%s?mode=ro' % db, uri=True, timeout=5)
        want = c.execute('select count(*) from outbox where broadcast_id = ? and dlr_type = 1',
                         (int(notice),)).fetchone()[0]
        c.close()
        d.get(url + '/notices')
        ready(d)
        row = d.find_element(By.CSS_SELECTOR, '#notices tr[data-id="%s"]' % notice)
        delivered = row.find_element(By.CSS_SELECTOR, '[data-k="delivered"]').text
        recipients = row.find_element(By.CSS_SELECTOR, '[data-k="recipients"]').text
        check('the notices page shows the delivered count (%d of %s)' % (want, recipients),
              delivered == vi_number(want) and delivered == recipients, (delivered, recipients))
        row.find_element(By.TAG_NAME, 'button').click()
        WebDriverWait(d, 10).until(lambda x: 'TB #' in x.find_element(By.ID, 'notice-detail').text)
        check('the notice\'s page says everyone received it',
              'Mọi hộ đã nhận' in d.find_element(By.ID, 'notice-detail').text)
        shot(d, shots, 'notices', DESKTOP)
        shot(d, shots, 'notices', PHONE)
        # the README's picture: the overview's first screen on a desktop
        d.set_window_size(1280, 860)
        d.get(url + '/overview')
        ready(d)
        time.sleep(0.3)
        d.save_screenshot(os.path.join(shots, 'console-readme.png'))
    finally:
        d.quit()


def main():
    phase = sys.argv[1]
    try:
        if phase == 'main':
            phase_main(*sys.argv[2:7])
        else:
            phase_counts(*sys.argv[2:7])
    except (TimeoutException, Exception) as e:     # a page that never got ready
        check('the browser run finished (%s)' % phase, False, repr(e))
    sys.exit(1 if fails else 0)


if __name__ == '__main__':
    main()
