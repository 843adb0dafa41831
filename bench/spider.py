"""The Scrapy spider a researcher would write: fetch every URL in a list, keep the page.
Run: scrapy runspider bench/spider.py -a urls=FILE (http_proxy and https_proxy in the environment)."""
import scrapy


class PolicySpider(scrapy.Spider):
    name = "policy"
    custom_settings = {"ROBOTSTXT_OBEY": False, "LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": 16,
                       "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "DOWNLOAD_DELAY": 0, "TELNETCONSOLE_ENABLED": False}

    def start_requests(self):
        with open(self.urls) as f:
            for u in f:
                yield scrapy.Request(u.strip(), callback=self.parse)

    def parse(self, response):
        yield {"url": response.url, "title": response.css("title::text").get(), "bytes": len(response.body)}
